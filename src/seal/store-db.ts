import Database from 'better-sqlite3';
import { toKeytrailError, type ErrorCode } from '../core/errors.ts';

/** chain.db tables (docs/FORMAT.md, "Data directory"). */
export const CHAIN_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY, record_id BLOB NOT NULL UNIQUE, hash BLOB NOT NULL, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (id INTEGER PRIMARY KEY, size INTEGER NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS consumer_offsets (topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset TEXT NOT NULL, PRIMARY KEY (topic, partition)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS record_index (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, user_id TEXT, event_time_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS record_index_user ON record_index (user_id, seq) WHERE user_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS record_keys (key_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key_id, seq)) WITHOUT ROWID;
`;

/** Opens chain.db: read-write with WAL and synchronous=FULL, or read-only beside a running sealer. */
export function openChainDatabase(path: string, mode: 'write' | 'read'): Database.Database {
  return guardStore(() => {
    if (mode === 'read') {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 10000');
      return db;
    }
    const db = new Database(path);
    // 8 KiB pages hold ~2 KB entries with less slack than 4 KiB ones (a third less disk, fewer WAL frames);
    // SQLite applies it only when it creates the file.
    db.pragma('page_size = 8192');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 10000');
    // The record-id index takes random keys: keep its pages in memory rather than re-reading them per insert.
    db.pragma('cache_size = -65536');
    db.exec(CHAIN_SCHEMA);
    return db;
  }, `opening the chain store at ${path}`);
}

export function guardStore<T>(action: () => T, what: string, code: ErrorCode = 'SEAL_STORE_FAILED'): T {
  try {
    return action();
  } catch (error) {
    throw toKeytrailError(error, code, what);
  }
}
