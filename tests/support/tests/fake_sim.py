#!/usr/bin/env python3
"""A stand-in for intouch-sim used only by the harness's own tests.

It speaks the same start-up protocol as the real simulator (one "intouch-sim listening on URL"
line on stdout, --port 0, exit on SIGTERM), so SimulatorProcess can be tested before, and
independently of, the real simulator.
"""
import argparse
import base64
import json
import os
import signal
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USER, PASSWORD = "api", "s3cret"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):  # keep stderr for real problems
        pass

    def reply(self, status, payload, extra_headers=None):
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/api/about":
            self.reply(200, {"crmId": "fake", "mode": 100})
            return
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.reply(401, {"error": "unauthorized"}, {"WWW-Authenticate": 'Basic realm="crm"'})
            return
        self.reply(200, {"path": self.path, "name": "Dvořák"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        self.reply(200, {"path": self.path, "body": body,
                         "contentType": self.headers.get("Content-Type")},
                   {"Retry-After": "7"})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--fail-startup", action="store_true")
    args = parser.parse_args()

    if args.fail_startup:
        print("fake_sim: refusing to start as asked", file=sys.stderr)
        return 3

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    scheme = "http"
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    print("some start-up chatter before the ready line", flush=True)
    print(f"intouch-sim listening on {scheme}://127.0.0.1:{server.server_address[1]}/api",
          flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
