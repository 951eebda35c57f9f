import Database from 'better-sqlite3';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirPath } from '../../src/core/data-dir.ts';
import { sha256 } from '../../src/core/hash.ts';
import type { BusMessage } from '../../src/core/ports.ts';
import { parseSealerConfig } from '../../src/seal/config.ts';
import { createSealCore } from '../../src/seal/seal-core.ts';
import { createNoteSigner, generateNoteKeyPair, type NoteSigner } from '../../src/seal/signer.ts';
import { openChainStore } from '../../src/seal/store.ts';
import type { EntrySource } from '../../src/verify/entry-source.ts';
import { createManualClock, makeRecord } from './records.ts';

export const LOG_ORIGIN = 'example.com/tamper-test';

/** What an attacker with write access to chain.db can change: every row of every table. */
export interface LogModel {
  rows: { seq: number; recordId: string; hash: Buffer; bytes: Buffer }[];
  checkpoints: { size: number; note: string }[];
}

export interface SealedLog {
  dataDir: string;
  signer: NoteSigner;
  verifierKey: string;
  /** A time shortly after the last checkpoint, for freshness. */
  verifiedAt: Date;
  model(): LogModel;
}

/**
 * Seals `count` records with the real sealer (4 per batch, a checkpoint every 8 entries, one second per
 * batch on a manual clock, a final checkpoint) into `dataDir`.
 */
export function sealLog(dataDir: string, count = 40): SealedLog {
  mkdirSync(dataDir, { recursive: true });
  const pair = generateNoteKeyPair(LOG_ORIGIN);
  const signer = createNoteSigner(pair.signerKey);
  mkdirSync(join(dataDir, 'keys'), { recursive: true });
  writeFileSync(dataDirPath(dataDir, 'verifierKey'), `${pair.verifierKey}\n`);
  const store = openChainStore(dataDirPath(dataDir, 'chain'), LOG_ORIGIN);
  const clock = createManualClock('2026-01-10T13:00:00.000Z');
  const core = createSealCore({ store, signers: [signer], clock, config: parseSealerConfig({ checkpointEveryEntries: 8, checkpointEveryMs: 60_000 }) });
  core.tick(); // the empty log's first signed head, as the running sealer writes it on start
  for (let first = 0; first < count; first += 4) {
    const batch: BusMessage[] = [];
    for (let n = first; n < Math.min(first + 4, count); n += 1) batch.push({ topic: 'records', partition: 0, offset: String(n), key: String(n), value: Buffer.from(JSON.stringify(makeRecord(n))), headers: {} });
    core.sealBatch(batch);
    clock.advance(1000);
  }
  core.checkpointNow();
  store.close();
  clock.advance(5000);
  const verifiedAt = clock.now();
  return { dataDir, signer, verifierKey: pair.verifierKey, verifiedAt, model: () => readModel(dataDir) };
}

export function readModel(dataDir: string): LogModel {
  const db = new Database(dataDirPath(dataDir, 'chain'), { readonly: true });
  try {
    const rows = db.prepare<[], { seq: number; record_id: Buffer; hash: Buffer; bytes: Buffer }>('SELECT seq, record_id, hash, bytes FROM entries ORDER BY seq').all();
    const checkpoints = db.prepare<[], { size: number; note: string }>('SELECT size, note FROM checkpoints ORDER BY id').all();
    return { rows: rows.map((row) => ({ seq: row.seq, recordId: row.record_id.toString('hex'), hash: row.hash, bytes: row.bytes })), checkpoints };
  } finally {
    db.close();
  }
}

/** Copies the sealed data directory to `target` and rewrites its chain.db tables to `model`. */
export function writeTamperedDataDir(log: SealedLog, target: string, model: LogModel): string {
  cpSync(log.dataDir, target, { recursive: true });
  const db = new Database(dataDirPath(target, 'chain'));
  try {
    db.transaction(() => {
      db.exec('DELETE FROM entries; DELETE FROM checkpoints;');
      const insert = db.prepare('INSERT INTO entries (seq, record_id, hash, bytes) VALUES (?, ?, ?, ?)');
      for (const row of model.rows) insert.run(row.seq, Buffer.from(row.recordId, 'hex'), row.hash, row.bytes);
      const note = db.prepare('INSERT INTO checkpoints (id, size, note) VALUES (?, ?, ?)');
      model.checkpoints.forEach((checkpoint, index) => note.run(index + 1, checkpoint.size, checkpoint.note));
    })();
  } finally {
    db.close();
  }
  return target;
}

/**
 * The same log as a line-oriented source, the shape an exported bundle has: one entry's bytes per
 * line, no stored hash or seq beside them, checkpoint files. It stands in for the bundle source.
 */
export function createLineSource(model: LogModel, verifierKey: string): EntrySource {
  const lines = model.rows.map((row) => row.bytes);
  return {
    kind: 'bundle',
    path: '(line source)',
    claimedOrigin: LOG_ORIGIN,
    shippedKeys: () => [verifierKey],
    checkpoints: () => model.checkpoints.map((checkpoint, index) => ({ label: `checkpoints/${String(index + 1).padStart(4, '0')}.note`, note: checkpoint.note })),
    start: () => ({ seq: 0, prevHex: '0'.repeat(64), frontier: [] }),
    *entries() {
      for (const [index, bytes] of lines.entries()) yield { where: `segments/000000.jsonl:${index + 1}`, storedHash: null, bytes };
    },
    capturedAt: () => null,
    close: () => undefined,
  };
}

export function hashOf(bytes: Buffer): Buffer {
  return sha256(bytes);
}
