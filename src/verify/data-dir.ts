import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { dataDirPath } from '../core/data-dir.ts';
import { KeytrailError } from '../core/errors.ts';
import { hashLeaf } from '../core/merkle-hash.ts';
import { parseVerifierKey, type NoteKey } from '../core/note-keys.ts';
import { ZERO_HASH_HEX } from '../core/hash.ts';
import { compareAtSize, verifyCheckpointNotes, type VerifiedCheckpoint } from './checkpoints.ts';
import { checkEntry, type ChainCursor } from './entry-check.ts';
import { FindingList } from './findings.ts';
import { StreamingMerkleRoot } from './merkle-root.ts';
import type { VerifyReport } from './report.ts';

export interface VerifyOptions {
  /** Verifier key strings the auditor trusts; when absent, the key stored in the data directory is used. */
  trustedKeys?: readonly string[];
}

const CHECKS = ['entry hashes', 'canonical JSON', 'entry format', 'seq continuity', 'chain links', 'Merkle roots', 'chain heads', 'checkpoint signatures', 'coverage by a checkpoint'];

/**
 * Verifies a data directory's chain store from its bytes: it reads the SQLite file read-only, walks the
 * entries in seq order once (constant memory), and compares every signed checkpoint with the root and
 * head recomputed at its size.
 */
export function verifyDataDirectory(dataDir: string, options: VerifyOptions = {}): VerifyReport {
  const keys = resolveKeys(dataDir, options);
  const db = openReadOnly(chainStorePath(dataDir));
  try {
    const findings = new FindingList();
    const origin = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'origin'").get()?.value ?? null;
    const notes = db.prepare<[], { id: number; note: string }>('SELECT id, note FROM checkpoints ORDER BY id').all();
    const checkpoints = verifyCheckpointNotes(notes.map((row) => ({ label: `#${row.id}`, note: row.note })), keys.trusted, origin, findings);
    const bySize = groupBySize(checkpoints);
    const cursor: ChainCursor = { origin: origin ?? '', expectedSeq: 0, prevHex: ZERO_HASH_HEX };
    const tree = new StreamingMerkleRoot();
    const rows = db.prepare<[], { seq: number; hash: Buffer | null; bytes: Buffer }>('SELECT seq, hash, bytes FROM entries ORDER BY seq').iterate();
    for (const row of rows) {
      const hashHex = checkEntry({ storedSeq: row.seq, storedHash: row.hash, bytes: row.bytes }, cursor, findings);
      tree.push(hashLeaf(row.bytes));
      const due = bySize.get(tree.size);
      if (due !== undefined) compareAtSize(due, tree.root().toString('base64'), hashHex, findings);
    }
    checkCoverage(checkpoints, tree.size, findings);
    const newest = checkpoints.reduce<VerifiedCheckpoint | undefined>((best, next) => (best === undefined || next.body.size >= best.body.size ? next : best), undefined);
    const seqs = findings.listed.map((finding) => finding.seq).filter((seq): seq is number => seq !== undefined);
    return {
      ok: findings.total === 0,
      source: dataDir,
      kind: 'data-dir',
      origin,
      entries: tree.size,
      checkpoints: {
        total: notes.length,
        verified: checkpoints.length,
        newest: newest === undefined ? null : { size: newest.body.size, time: newest.body.time, rootBase64: newest.body.rootBase64, headHex: newest.body.headHex },
      },
      keys: { trusted: keys.trusted.map((key) => `${key.name}+${key.keyId.toString('hex')}`), from: keys.from },
      checks: CHECKS,
      findings: findings.listed,
      findingsTotal: findings.total,
      firstDivergence: seqs.length === 0 ? null : Math.min(...seqs),
    };
  } finally {
    db.close();
  }
}

function chainStorePath(dataDir: string): string {
  return dataDirPath(dataDir, 'chain');
}

function groupBySize(checkpoints: readonly VerifiedCheckpoint[]): Map<number, VerifiedCheckpoint[]> {
  const bySize = new Map<number, VerifiedCheckpoint[]>();
  for (const checkpoint of checkpoints) bySize.set(checkpoint.body.size, [...(bySize.get(checkpoint.body.size) ?? []), checkpoint]);
  return bySize;
}

/** Every entry must be under a signed checkpoint, and no checkpoint may claim entries the log lacks. */
function checkCoverage(checkpoints: readonly VerifiedCheckpoint[], size: number, findings: FindingList): void {
  for (const checkpoint of checkpoints) {
    if (checkpoint.body.size > size) {
      findings.add({ code: 'VERIFY_CHECKPOINT_SIZE', checkpoint: checkpoint.label, seq: size, message: `the checkpoint covers ${checkpoint.body.size} entries but the log holds ${size} (truncated, or a wrong tree size)`, expected: String(checkpoint.body.size), actual: String(size) });
    }
  }
  const covered = Math.max(0, ...checkpoints.map((checkpoint) => checkpoint.body.size));
  if (size > 0 && checkpoints.length === 0) {
    findings.add({ code: 'VERIFY_NO_CHECKPOINT', seq: 0, message: `${size} entries and no checkpoint signed by a trusted key` });
  } else if (size > covered) {
    findings.add({ code: 'VERIFY_UNCOVERED_ENTRIES', seq: covered, message: `entries ${covered}–${size - 1} are beyond the newest signed checkpoint`, expected: String(covered), actual: String(size) });
  }
}

function resolveKeys(dataDir: string, options: VerifyOptions): { trusted: NoteKey[]; from: 'argument' | 'data-dir' } {
  if (options.trustedKeys !== undefined && options.trustedKeys.length > 0) {
    return { trusted: options.trustedKeys.map(parseVerifierKey), from: 'argument' };
  }
  const stored = dataDirPath(dataDir, 'verifierKey');
  if (!existsSync(stored)) throw new KeytrailError('VERIFY_KEY_MISSING', `no --key given and no verifier key at ${stored}`);
  return { trusted: readFileSync(stored, 'utf8').split('\n').filter((line) => line.trim() !== '').map(parseVerifierKey), from: 'data-dir' };
}

function openReadOnly(path: string): Database.Database {
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new KeytrailError('VERIFY_SOURCE_UNREADABLE', `cannot open the chain store ${path}: ${(error as Error).message}`, { cause: error });
  }
}
