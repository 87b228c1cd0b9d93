-- Streams with `history: true` whose rows may lack their first version. A first sync
-- into empty tables COPYs its pages' rows without versions (one mark, written in the
-- page's transaction) and writes all their first versions at the end of the stream, one
-- statement per version table; the first later write to the stream's tables (a page of
-- the next run after a kill, a reconcile, a full refresh's swap) writes them before
-- anything else, and removes the mark in the same transaction.
CREATE TABLE sync_versions_owed (
    stream text PRIMARY KEY,
    since  timestamptz NOT NULL DEFAULT now()
);
