/**
 * The correlator's SQLite layout. Everything the join needs across batches lives here, so a restart
 * keeps open windows, and several instances (processes or connections) may share one file: rows are
 * scoped by partition, and every change happens in one IMMEDIATE transaction per batch.
 *
 * events is addressed by rowid, appended in arrival order; its rows carry the event's JSON (too large for
 * a WITHOUT ROWID b-tree) and their own join keys, so no index on a random id is kept up to date.
 *
 * - events: open windows (status pending) and recently closed events kept for late partners, cache
 *   hits and heuristic candidate sets (status closed) until their expiry.
 * - event_keys: the join keys of those events, scoped by partition key.
 * - seen: native event ids for duplicate detection, expired by event time, each with the digest a repeat
 *   must match (column raw_sha256: for KMS events the digest of event-digest.ts, for app events the raw hash).
 * - streams: per (side, provider, partition) watermark inputs.
 * - offsets: the next offset per topic partition already reflected in this state (replays are skipped).
 * - outbox: records and dead letters produced by committed transactions and not yet published, each
 *   owned by the instance that wrote it; instances: each instance's last heartbeat, so the rows of an
 *   instance that stopped can be taken over.
 */
export const STATE_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  id TEXT NOT NULL, side TEXT NOT NULL, provider TEXT NOT NULL, partition INTEGER NOT NULL, pkey TEXT NOT NULL,
  event_time_ms INTEGER NOT NULL, arrival_wm_ms INTEGER NOT NULL,
  mode TEXT NOT NULL, status TEXT NOT NULL, partnered INTEGER NOT NULL,
  wait_side TEXT NOT NULL, due_ms INTEGER NOT NULL, phase INTEGER NOT NULL,
  record_id TEXT, match TEXT, keys TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_due ON events (wait_side, provider, partition, due_ms);
CREATE INDEX IF NOT EXISTS events_pending ON events (event_time_ms) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS events_heuristic ON events (pkey, side, match, event_time_ms) WHERE mode = 'heuristic';
CREATE TABLE IF NOT EXISTS event_keys (
  pkey TEXT NOT NULL, join_key TEXT NOT NULL, side TEXT NOT NULL, event_rowid INTEGER NOT NULL,
  PRIMARY KEY (pkey, join_key, side, event_rowid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen (
  side TEXT NOT NULL, id TEXT NOT NULL, provider TEXT NOT NULL, partition INTEGER NOT NULL,
  event_time_ms INTEGER NOT NULL, raw_sha256 TEXT NOT NULL,
  PRIMARY KEY (side, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_expiry ON seen (side, provider, partition, event_time_ms);
CREATE TABLE IF NOT EXISTS streams (
  side TEXT NOT NULL, provider TEXT NOT NULL, partition INTEGER NOT NULL,
  max_event_ms INTEGER, idle_wm_ms INTEGER, last_activity_wall_ms INTEGER NOT NULL,
  PRIMARY KEY (side, provider, partition)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS offsets (
  topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset TEXT NOT NULL,
  PRIMARY KEY (topic, partition)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, topic TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, headers TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_owner ON outbox (owner, seq);
CREATE TABLE IF NOT EXISTS instances (id TEXT PRIMARY KEY, heartbeat_wall_ms INTEGER NOT NULL) WITHOUT ROWID;
`;
