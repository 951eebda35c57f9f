import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { dataDirPath } from '../core/data-dir.ts';
import { KeytrailError } from '../core/errors.ts';
import { ZERO_HASH_HEX } from '../core/hash.ts';
import type { EntrySource, SourceEntry } from './entry-source.ts';

/**
 * A data directory as an entry source: chain.db opened read-only (safe beside a running sealer) and
 * keys/verifier.key. The tables are read with plain SQL, never through the sealer's code.
 */
export function openDataDirSource(dataDir: string): EntrySource {
  const chainPath = dataDirPath(dataDir, 'chain');
  const db = openReadOnly(chainPath);
  const origin = readOrigin(db, chainPath);
  return {
    kind: 'data-dir',
    path: dataDir,
    claimedOrigin: origin,
    shippedKeys() {
      const path = dataDirPath(dataDir, 'verifierKey');
      if (!existsSync(path)) return [];
      return readFileSync(path, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '');
    },
    checkpoints: () =>
      db
        .prepare<[], { id: number; note: string }>('SELECT id, note FROM checkpoints ORDER BY id')
        .all()
        .map((row) => ({ label: `chain.db checkpoint #${row.id}`, note: row.note })),
    start: () => ({ seq: 0, prevHex: ZERO_HASH_HEX, frontier: [] }),
    *entries(): Generator<SourceEntry> {
      const rows = db.prepare<[], { seq: number; hash: Buffer | null; bytes: Buffer }>('SELECT seq, hash, bytes FROM entries ORDER BY seq').iterate();
      for (const row of rows) yield { where: `chain.db entries seq ${row.seq}`, storedHash: row.hash, bytes: Buffer.from(row.bytes) };
    },
    sizeHint: () => (db.prepare<[], { last: number | null }>('SELECT max(seq) AS last FROM entries').get()?.last ?? -1) + 1,
    capturedAt: () => null,
    close: () => db.close(),
  };
}

function readOrigin(db: Database.Database, path: string): string | null {
  try {
    return db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'origin'").get()?.value ?? null;
  } catch (error) {
    db.close();
    throw new KeytrailError('VERIFY_SOURCE_UNREADABLE', `${path} is not a keytrail chain store: ${(error as Error).message}`, { cause: error });
  }
}

function openReadOnly(path: string): Database.Database {
  if (!existsSync(path)) throw new KeytrailError('VERIFY_SOURCE_UNREADABLE', `no chain store at ${path}: the path is not a keytrail data directory`);
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new KeytrailError('VERIFY_SOURCE_UNREADABLE', `cannot open the chain store ${path}: ${(error as Error).message}`, { cause: error });
  }
}
