-- Bookkeeping of intouch-sync itself. Migrations run with search_path set to the
-- target schema, so names here are unqualified.

-- One row per incremental stream: where the next run resumes. Written in the
-- same transaction as the page it describes.
CREATE TABLE sync_state (
    stream          text PRIMARY KEY,
    -- every record with modified < cursor_modified is committed
    cursor_modified timestamptz,
    -- keys of the records with modified = cursor_modified already committed
    cursor_keys     text[] NOT NULL DEFAULT '{}',
    -- true when every record with modified = cursor_modified is committed
    cursor_complete boolean NOT NULL DEFAULT false,
    -- position and list total seen with the last committed page (search hints)
    position        bigint,
    total           bigint,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per invocation of `sync` (and of state-changing commands).
CREATE TABLE sync_runs (
    run_id           bigserial PRIMARY KEY,
    command          text NOT NULL,
    streams          text[] NOT NULL,
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    -- running, success, partial (rejects), failed, interrupted
    outcome          text NOT NULL DEFAULT 'running',
    records_upserted bigint NOT NULL DEFAULT 0,
    records_deleted  bigint NOT NULL DEFAULT 0,
    records_rejected bigint NOT NULL DEFAULT 0,
    requests         bigint NOT NULL DEFAULT 0,
    retries          bigint NOT NULL DEFAULT 0,
    bytes            bigint NOT NULL DEFAULT 0,
    error            text
);

-- One row per stream per run: what `status` shows and staleness alerts read.
CREATE TABLE sync_stream_runs (
    run_id           bigint NOT NULL REFERENCES sync_runs (run_id) ON DELETE CASCADE,
    stream           text NOT NULL,
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    outcome          text NOT NULL DEFAULT 'running',
    records_seen     bigint NOT NULL DEFAULT 0,
    records_upserted bigint NOT NULL DEFAULT 0,
    records_deleted  bigint NOT NULL DEFAULT 0,
    records_rejected bigint NOT NULL DEFAULT 0,
    requests         bigint NOT NULL DEFAULT 0,
    error            text,
    PRIMARY KEY (run_id, stream)
);
CREATE INDEX sync_stream_runs_stream_idx ON sync_stream_runs (stream, started_at DESC);

-- Records that could not be mapped: kept with their raw JSON and the reason,
-- written in the same transaction as the page they came with. A later good
-- version of the same record removes its row here.
CREATE TABLE sync_rejects (
    reject_id   bigserial PRIMARY KEY,
    stream      text NOT NULL,
    record_key  text NOT NULL,   -- e.g. 'id=123'; '' when the key itself is unreadable
    raw_json    text NOT NULL,   -- text, not jsonb: jsonb cannot hold every string JSON can
    error       text NOT NULL,
    run_id      bigint,
    rejected_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sync_rejects_record_idx ON sync_rejects (stream, record_key)
    WHERE record_key <> '';
