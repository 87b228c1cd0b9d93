#!/usr/bin/env python3
"""Renders one Kubernetes CronJob per InTouch source from an intouch-sync config.

    deploy/k8s/render-cronjobs.py --config warehouse.yaml --image REGISTRY/intouch-sync:TAG \
        [--schedule '*/10 * * * *'] [--namespace NS] [--pushgateway URL] [--output-dir DIR]

The config lists the sources (see docs/operations.md, "Many CRMs on Kubernetes"):

    sources:
      - {name: firma-a, url: https://firma-a.itcrm.cz/api, username: api-export, schema: firma_a}
      - {name: firma-b, url: https://firma-b.itcrm.cz/api, username: api-export, schema: firma_b}
    target: {dsn: "host=postgres.warehouse.svc dbname=warehouse user=intouch_sync sslmode=require"}
    metrics: {pushgateway: http://prometheus-pushgateway.monitoring:9091}
    sync: {...}    # optional, shared by every source
    log: {...}     # optional

(a config with a single `source:` and target.schema renders one CronJob named after the
schema). Per source it renders a ConfigMap holding that source's own single-source
sync.yaml and a CronJob (concurrencyPolicy: Forbid) that runs `intouch-sync sync` with it,
the CRM password from the Secret intouch-sync-<name> (key intouch-password), the
PostgreSQL password from the Secret intouch-sync-postgres (key pg-password, read by libpq
as PGPASSWORD), the key of the mappings' `pii: hash` columns from the Secret
intouch-sync-pii (key pii-key, one for every source so that hashes join across CRMs), and the metrics pushed to the Pushgateway (grouped by schema, so sources
do not overwrite each other). A `password:` in the config is never copied. Without
--output-dir the manifests go to stdout (kubectl apply -f -); with it, one file per source
and a kustomization.yaml listing them (kubectl apply -k DIR, or a base for overlays).
Needs python3 and python3-yaml (deploy/install-deps.sh).
"""

import argparse
import os
import re
import sys

import yaml

NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$")  # CronJob names: 52 chars in all
SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
CONTAINER_SHARE = "/usr/share/intouch-sync"


class Dumper(yaml.SafeDumper):
    """Plain manifests: no &anchors, and the ConfigMap's sync.yaml as a readable block."""

    def ignore_aliases(self, data):
        return True


def _text(dumper, data):
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)


Dumper.add_representer(str, _text)


def dump(docs, stream):
    yaml.dump_all(docs, stream, Dumper=Dumper, sort_keys=False, allow_unicode=True)


def fail(message):
    sys.exit("render-cronjobs: " + message)


def sources_of(config):
    if "sources" in config:
        sources = config["sources"]
        if not isinstance(sources, list) or not sources:
            fail("`sources` must be a non-empty list of {name, url, username, schema, ...}")
        return sources
    if "source" in config:  # the single-source form
        schema = (config.get("target") or {}).get("schema", "intouch")
        return [dict(config["source"], name=schema.replace("_", "-"), schema=schema)]
    fail("the config has neither `sources:` nor `source:`")


def check_sources(sources):
    seen = set()
    for i, s in enumerate(sources):
        if not isinstance(s, dict):
            fail(f"sources[{i}] must be a mapping")
        name, schema = s.get("name"), s.get("schema")
        if not isinstance(name, str) or not NAME.match(name):
            fail(f"sources[{i}]: name {name!r} must be lower-case letters, digits and '-', "
                 "at most 40 characters (it names the CronJob and its Secret)")
        if not isinstance(schema, str) or not SCHEMA.match(schema):
            fail(f"source {name}: schema {schema!r} must be a PostgreSQL name "
                 "(lower-case letters, digits, _): each source gets its own schema")
        for key in ("url", "username"):
            if not s.get(key):
                fail(f"source {name}: `{key}` is missing")
        for kind, value in (("name", name), ("schema", schema)):
            if (kind, value) in seen:
                fail(f"source {name}: {kind} {value} is used by another source")
            seen.add((kind, value))


def source_config(config, source, pushgateway):
    """The single-source sync.yaml the source's CronJob runs with."""
    src = {k: v for k, v in source.items() if k not in ("name", "schema", "password")}
    src["password"] = "${INTOUCH_PASSWORD}"
    target = {k: v for k, v in (config.get("target") or {}).items() if k != "schema"}
    if "dsn" not in target:
        fail("target.dsn is missing (the PostgreSQL password comes from PGPASSWORD)")
    target["schema"] = source["schema"]
    out = {"source": src, "target": target,
           "mappings": CONTAINER_SHARE + "/mappings",
           "migrations": CONTAINER_SHARE + "/migrations"}
    for key in ("streams", "sync", "log"):
        if key in config:
            out[key] = config[key]
    out.setdefault("log", {"level": "info", "format": "json"})
    # The HMAC key of the mappings' `pii: hash` columns, from the Secret (never the config):
    # one key for every source, so hashed values join across CRMs.
    out["pii"] = {"key": "${INTOUCH_PII_KEY}"}
    if pushgateway:
        out["metrics"] = {"pushgateway": pushgateway}
    return yaml.dump(out, Dumper=Dumper, sort_keys=False, allow_unicode=True)


def manifests(config, source, args):
    name = "intouch-sync-" + source["name"]
    labels = {"app.kubernetes.io/name": "intouch-sync",
              "app.kubernetes.io/instance": source["name"],
              "intouch-sync/source": source["name"]}
    meta = {"name": name, "labels": labels}
    if args.namespace:
        meta["namespace"] = args.namespace
    pushgateway = args.pushgateway or (config.get("metrics") or {}).get("pushgateway")
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta,
                  "data": {"sync.yaml": source_config(config, source, pushgateway)}}
    secret = lambda secret_name, key: {"secretKeyRef": {"name": secret_name, "key": key}}
    container = {
        "name": "intouch-sync", "image": args.image,
        "args": ["sync", "--config", "/etc/intouch-sync/sync.yaml"],
        "env": [{"name": "INTOUCH_SOURCE", "value": source["name"]},
                {"name": "INTOUCH_PASSWORD", "valueFrom": secret(name, "intouch-password")},
                {"name": "PGPASSWORD",
                 "valueFrom": secret("intouch-sync-postgres", "pg-password")},
                {"name": "INTOUCH_PII_KEY", "valueFrom": secret("intouch-sync-pii", "pii-key")}],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                      "limits": {"memory": "256Mi"}},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [{"name": "config", "mountPath": "/etc/intouch-sync",
                          "readOnly": True}]}
    pod = {"restartPolicy": "Never", "terminationGracePeriodSeconds": 60,
           "automountServiceAccountToken": False,
           "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001,
                               "seccompProfile": {"type": "RuntimeDefault"}},
           "containers": [container],
           "volumes": [{"name": "config", "configMap": {"name": name}}]}
    cron_job = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta,
                "spec": {"schedule": args.schedule,
                         # Never two runs of one source at once (the second would exit 7).
                         "concurrencyPolicy": "Forbid",
                         "startingDeadlineSeconds": 300,
                         "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 5,
                         "jobTemplate": {"spec": {
                             "backoffLimit": 0, "activeDeadlineSeconds": 1140,
                             "template": {"metadata": {"labels": labels}, "spec": pod}}}}}
    return [config_map, cron_job]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--schedule", default="*/10 * * * *")
    parser.add_argument("--namespace")
    parser.add_argument("--pushgateway", help="default: metrics.pushgateway of the config")
    parser.add_argument("--output-dir")
    args = parser.parse_args()
    with open(args.config, encoding="utf-8") as f:
        config = yaml.safe_load(f) or {}
    sources = sources_of(config)
    check_sources(sources)
    per_source = [(s["name"], manifests(config, s, args)) for s in sources]
    if not args.output_dir:
        dump([d for _, docs in per_source for d in docs], sys.stdout)
        return
    os.makedirs(args.output_dir, exist_ok=True)
    for name, docs in per_source:
        with open(os.path.join(args.output_dir, name + ".yaml"), "w", encoding="utf-8") as f:
            dump(docs, f)
    with open(os.path.join(args.output_dir, "kustomization.yaml"), "w", encoding="utf-8") as f:
        dump([{"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
               "resources": [name + ".yaml" for name, _ in per_source]}], f)


if __name__ == "__main__":
    main()
