import Database from 'better-sqlite3';
import { toKeytrailError } from '../core/errors.ts';

export type Side = 'kms' | 'app';

export interface PendingEvent {
  side: Side;
  id: string;
  provider: string;
  eventTimeMs: number;
  body: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pending (
  side TEXT NOT NULL, id TEXT NOT NULL, provider TEXT NOT NULL, event_time_ms INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (side, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending_keys (
  side TEXT NOT NULL, provider TEXT NOT NULL, join_key TEXT NOT NULL, id TEXT NOT NULL,
  PRIMARY KEY (side, provider, join_key, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen (side TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (side, id)) WITHOUT ROWID;
`;

/**
 * The correlator's open windows in SQLite, so a restart keeps them. Callers group changes in
 * begin()/commit(), and commit only after the records they produced were published.
 */
export interface JoinState {
  /** Marks an event as seen; false when it was seen before (a duplicate). */
  markSeen(side: Side, id: string): boolean;
  findPartner(side: Side, provider: string, keys: readonly string[]): PendingEvent | undefined;
  addPending(event: PendingEvent, keys: readonly string[]): void;
  removePending(side: Side, id: string): void;
  listPending(): PendingEvent[];
  begin(): void;
  commit(): void;
  rollback(): void;
  close(): void;
}

export function openJoinState(path: string): JoinState {
  const db = guard(() => {
    const opened = new Database(path);
    opened.pragma('journal_mode = WAL');
    opened.pragma('synchronous = FULL');
    opened.exec(SCHEMA);
    return opened;
  }, `opening correlator state at ${path}`);
  const statements = {
    seen: db.prepare('INSERT OR IGNORE INTO seen (side, id) VALUES (?, ?)'),
    partner: db.prepare<[string, string, string], PendingRow>(
      `SELECT p.side, p.id, p.provider, p.event_time_ms, p.body FROM pending_keys k JOIN pending p ON p.side = k.side AND p.id = k.id
       WHERE k.side = ? AND k.provider = ? AND k.join_key = ? ORDER BY p.event_time_ms, p.id LIMIT 1`,
    ),
    insert: db.prepare('INSERT OR REPLACE INTO pending (side, id, provider, event_time_ms, body) VALUES (?, ?, ?, ?, ?)'),
    insertKey: db.prepare('INSERT OR IGNORE INTO pending_keys (side, provider, join_key, id) VALUES (?, ?, ?, ?)'),
    remove: db.prepare('DELETE FROM pending WHERE side = ? AND id = ?'),
    removeKeys: db.prepare('DELETE FROM pending_keys WHERE side = ? AND id = ?'),
    all: db.prepare<[], PendingRow>('SELECT side, id, provider, event_time_ms, body FROM pending ORDER BY event_time_ms, side, id'),
  };
  const run = <T>(action: () => T): T => guard(action, 'updating correlator state');
  return {
    markSeen: (side, id) => run(() => statements.seen.run(side, id).changes === 1),
    findPartner: (side, provider, keys) =>
      run(() => {
        for (const key of keys) {
          const row = statements.partner.get(side, provider, key);
          if (row !== undefined) return fromRow(row);
        }
        return undefined;
      }),
    addPending: (event, keys) =>
      run(() => {
        statements.insert.run(event.side, event.id, event.provider, event.eventTimeMs, event.body);
        for (const key of keys) statements.insertKey.run(event.side, event.provider, key, event.id);
      }),
    removePending: (side, id) =>
      run(() => {
        statements.remove.run(side, id);
        statements.removeKeys.run(side, id);
      }),
    listPending: () => run(() => statements.all.all().map(fromRow)),
    begin: () => run(() => db.exec('BEGIN IMMEDIATE')),
    commit: () => run(() => db.exec('COMMIT')),
    rollback: () => {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
    close: () => db.close(),
  };
}

interface PendingRow {
  side: string;
  id: string;
  provider: string;
  event_time_ms: number;
  body: string;
}

function fromRow(row: PendingRow): PendingEvent {
  return { side: row.side as Side, id: row.id, provider: row.provider, eventTimeMs: row.event_time_ms, body: row.body };
}

function guard<T>(action: () => T, what: string): T {
  try {
    return action();
  } catch (error) {
    throw toKeytrailError(error, 'CORRELATE_STATE_FAILED', what);
  }
}
