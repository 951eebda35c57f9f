import Database from 'better-sqlite3';
import { toKeytrailError } from '../core/errors.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS seen (namespace TEXT NOT NULL, key TEXT NOT NULL, seen_at_ms INTEGER NOT NULL, PRIMARY KEY (namespace, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_by_age ON seen (seen_at_ms);
CREATE TABLE IF NOT EXISTS cursors (source TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at_ms INTEGER NOT NULL) WITHOUT ROWID;
`;

/**
 * What ingest remembers across restarts: the native event ids it has published (to drop duplicates,
 * whichever path delivered them) and each API source's cursor. Both are written only after the bus
 * acknowledged the events they cover, in one transaction, so a crash can republish a batch (the
 * correlator drops the repeat) but never skip one.
 */
export interface IngestState {
  /** Of the given keys in a namespace, those already published. */
  alreadySeen(namespace: string, keys: readonly string[]): Set<string>;
  /** Records published keys and, optionally, a source's new cursor, atomically. */
  commit(change: { namespace: string; keys: readonly string[]; cursor?: { source: string; value: string } }, nowMs: number): void;
  cursor(source: string): string | undefined;
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
  };
  const commit = db.transaction((change: Parameters<IngestState['commit']>[0], nowMs: number) => {
    for (const key of change.keys) statements.insertSeen.run(change.namespace, key, nowMs);
    if (change.cursor !== undefined) statements.saveCursor.run(change.cursor.source, change.cursor.value, nowMs);
  });
  return {
    alreadySeen: (namespace, keys) => guard(() => new Set(keys.filter((key) => statements.seen.get(namespace, key) !== undefined)), 'reading ingest state'),
    commit: (change, nowMs) => guard(() => commit.immediate(change, nowMs), 'writing ingest state'),
    cursor: (source) => guard(() => statements.cursor.get(source)?.cursor, 'reading ingest state'),
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
