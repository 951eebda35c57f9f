import Database from 'better-sqlite3';
import { toKeytrailError } from '../core/errors.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS seen (namespace TEXT NOT NULL, key TEXT NOT NULL, seen_at_ms INTEGER NOT NULL, PRIMARY KEY (namespace, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_by_age ON seen (seen_at_ms);
CREATE TABLE IF NOT EXISTS cursors (source TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending (source TEXT NOT NULL, key TEXT NOT NULL, raw BLOB NOT NULL, position TEXT NOT NULL, parked_at_ms INTEGER NOT NULL, PRIMARY KEY (source, key)) WITHOUT ROWID;
`;

/**
 * A record read from a stream whose meaning depends on a later one (a Vault request entry waiting for its
 * response entry). It is kept here, in the same transaction that moves the stream's cursor past it, so a
 * restart neither loses it nor reads it twice.
 */
export interface PendingRecord {
  key: string;
  raw: Buffer;
  position: string;
  parkedAtMs: number;
}

export interface PendingChange {
  source: string;
  park: readonly PendingRecord[];
  release: readonly string[];
}

/**
 * What ingest remembers across restarts: the native event ids it has published (to drop duplicates,
 * whichever path delivered them) and each API source's cursor. Both are written only after the bus
 * acknowledged the events they cover, in one transaction, so a crash can republish a batch (the
 * correlator drops the repeat) but never skip one.
 */
export interface IngestState {
  /** Of the given keys in a namespace, those already published. */
  alreadySeen(namespace: string, keys: readonly string[]): Set<string>;
  /** Records published keys and, optionally, a source's new cursor and its parked records, atomically. */
  commit(change: { namespace: string; keys: readonly string[]; cursor?: { source: string; value: string }; pending?: PendingChange }, nowMs: number): void;
  cursor(source: string): string | undefined;
  /** The records a source parked and has not released, oldest first. */
  pending(source: string): PendingRecord[];
  /** Forgets ids seen before `olderThanMs` (duplicates arrive within hours; the correlator still dedups). */
  prune(olderThanMs: number): number;
  close(): void;
}

export function openIngestState(path: string): IngestState {
  const db = guard(() => {
    const opened = new Database(path);
    opened.pragma('journal_mode = WAL');
    opened.pragma('synchronous = FULL');
    opened.pragma('busy_timeout = 10000');
    opened.exec(SCHEMA);
    return opened;
  }, `opening ingest state at ${path}`);
  const statements = {
    seen: db.prepare<[string, string], { key: string }>('SELECT key FROM seen WHERE namespace = ? AND key = ?'),
    insertSeen: db.prepare('INSERT OR IGNORE INTO seen (namespace, key, seen_at_ms) VALUES (?, ?, ?)'),
    cursor: db.prepare<[string], { cursor: string }>('SELECT cursor FROM cursors WHERE source = ?'),
    saveCursor: db.prepare(
      'INSERT INTO cursors (source, cursor, updated_at_ms) VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, updated_at_ms = excluded.updated_at_ms',
    ),
    prune: db.prepare('DELETE FROM seen WHERE seen_at_ms < ?'),
    park: db.prepare('INSERT OR REPLACE INTO pending (source, key, raw, position, parked_at_ms) VALUES (?, ?, ?, ?, ?)'),
    release: db.prepare('DELETE FROM pending WHERE source = ? AND key = ?'),
    pending: db.prepare<[string], { key: string; raw: Buffer; position: string; parked_at_ms: number }>(
      'SELECT key, raw, position, parked_at_ms FROM pending WHERE source = ? ORDER BY parked_at_ms, key',
    ),
  };
  const commit = db.transaction((change: Parameters<IngestState['commit']>[0], nowMs: number) => {
    for (const key of change.keys) statements.insertSeen.run(change.namespace, key, nowMs);
    if (change.cursor !== undefined) statements.saveCursor.run(change.cursor.source, change.cursor.value, nowMs);
    const pending = change.pending;
    if (pending !== undefined) {
      for (const key of pending.release) statements.release.run(pending.source, key);
      for (const record of pending.park) statements.park.run(pending.source, record.key, record.raw, record.position, record.parkedAtMs);
    }
  });
  return {
    alreadySeen: (namespace, keys) => guard(() => new Set(keys.filter((key) => statements.seen.get(namespace, key) !== undefined)), 'reading ingest state'),
    commit: (change, nowMs) => guard(() => commit.immediate(change, nowMs), 'writing ingest state'),
    cursor: (source) => guard(() => statements.cursor.get(source)?.cursor, 'reading ingest state'),
    pending: (source) =>
      guard(
        () => statements.pending.all(source).map((row) => ({ key: row.key, raw: row.raw, position: row.position, parkedAtMs: row.parked_at_ms })),
        'reading ingest state',
      ),
    prune: (olderThanMs) => guard(() => statements.prune.run(olderThanMs).changes, 'pruning ingest state'),
    close: () => db.close(),
  };
}

function guard<T>(action: () => T, what: string): T {
  try {
    return action();
  } catch (error) {
    throw toKeytrailError(error, 'INGEST_STATE_FAILED', what);
  }
}
