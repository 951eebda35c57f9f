import { KeytrailError } from '../core/errors.ts';
import { hashLeaf } from '../core/merkle-hash.ts';
import { parseVerifierKey, type NoteKey } from '../core/note-keys.ts';
import { CheckpointMatcher } from './checkpoint-match.ts';
import { checkCheckpointSequence, verifyCheckpointNotes, type VerifiedCheckpoint } from './checkpoints.ts';
import { checkCoverage } from './coverage.ts';
import { checkEntry, type ChainCursor } from './entry-check.ts';
import type { EntryInspection } from './entry-inspect.ts';
import type { EntrySource, SourceEntry } from './entry-source.ts';
import { FindingList } from './findings.ts';
import { StreamingMerkleRoot } from './merkle-root.ts';
import type { VerifyReport } from './report.ts';
import type { VerifyOptions } from './options.ts';

/** The sealer's default heartbeat (docs/FORMAT.md, section 5) and the grace verify adds to it. */
export const DEFAULT_CADENCE_MS = 60_000;
export const DEFAULT_GRACE_MS = 60_000;
export const PROGRESS_EVERY = 65_536;

const CHECKS = ['entry hashes', 'canonical JSON', 'entry format', 'seq continuity', 'chain links', 'Merkle roots', 'chain heads', 'checkpoint signatures', 'checkpoint consistency', 'tree sizes', 'coverage by a checkpoint', 'freshness'];

export interface LogWalk {
  /** Takes the next stored entry, in order; `inspection` may have been computed by a worker. */
  step(stored: SourceEntry, inspection?: EntryInspection): void;
  finish(): VerifyReport;
}

/**
 * One streamed pass over a log: memory O(log n) for the tree plus the checkpoints. Checkpoints are
 * verified first; every entry is then checked against the v1 invariants, and every checkpoint against
 * the root and head recomputed at its size.
 */
export function startLogWalk(source: EntrySource, options: VerifyOptions): LogWalk {
  const keys = resolveKeys(source, options);
  const findings = new FindingList();
  let origin = source.claimedOrigin;
  const stored = source.checkpoints();
  const fromLog = verifyCheckpointNotes(stored, 'log', keys.trusted, origin, findings);
  const given = verifyCheckpointNotes(options.knownCheckpoints ?? [], 'auditor', keys.trusted, origin ?? fromLog[0]?.body.origin ?? null, findings);
  const checkpoints = [...fromLog, ...given];
  origin ??= checkpoints[0]?.body.origin ?? null;
  checkCheckpointSequence(checkpoints, findings);

  const start = source.start();
  const tree = start.seq === 0 ? new StreamingMerkleRoot() : StreamingMerkleRoot.fromFrontier(start.seq, start.frontier);
  if (typeof tree === 'string') throw new KeytrailError('VERIFY_SOURCE_UNREADABLE', `${source.path}: ${tree}`);
  const matcher = new CheckpointMatcher(checkpoints);
  const rootNow = (): string => tree.root().toString('base64');
  matcher.observe(start.seq, start.prevHex, rootNow);
  const cursor: ChainCursor = { origin, expectedSeq: start.seq, prevHex: start.prevHex };
  const claimed = Math.max(0, ...checkpoints.map((checkpoint) => checkpoint.body.size));
  let earliestPendingSealedAt: string | null = null;

  return {
    step(entry, inspection) {
      const { hashHex, fields } = checkEntry(entry, cursor, findings, inspection);
      tree.push(hashLeaf(entry.bytes));
      matcher.observe(tree.size, hashHex, rootNow);
      if (tree.size > claimed && fields !== undefined && (earliestPendingSealedAt === null || fields.sealedAt < earliestPendingSealedAt)) earliestPendingSealedAt = fields.sealedAt;
      if (options.onProgress !== undefined && tree.size % PROGRESS_EVERY === 0) options.onProgress(tree.size - start.seq);
    },
    finish() {
      for (const problem of source.problems?.() ?? []) findings.add(problem);
      const matching = matcher.finish(tree.size, start.seq, findings);
      if (start.seq > 0 && !matching.includes(start.seq)) {
        findings.add({ code: 'VERIFY_START_UNANCHORED', seq: start.seq, message: `the log starts at seq ${start.seq}, but no verified checkpoint of ${start.seq} entries vouches for the chain head and tree it continues` });
      }
      const at = options.asOf ?? source.capturedAt() ?? (options.now ?? (() => new Date()))();
      const maxAgeMs = (options.cadenceMs ?? DEFAULT_CADENCE_MS) + (options.graceMs ?? DEFAULT_GRACE_MS);
      const coverage = checkCoverage({ logSize: tree.size, startSeq: start.seq, checkpoints, earliestPendingSealedAt }, { at, maxAgeMs, requireSigned: options.requireSigned === true }, findings);
      const newest = newestBySize(checkpoints);
      return {
        ok: findings.total === 0,
        source: source.path,
        kind: source.kind,
        origin,
        entries: tree.size,
        firstSeq: start.seq,
        checkpoints: {
          total: stored.length,
          verified: fromLog.length,
          given: options.knownCheckpoints?.length ?? 0,
          newest: newest === undefined ? null : { label: newest.label, size: newest.body.size, time: newest.body.time, rootBase64: newest.body.rootBase64, headHex: newest.body.headHex },
        },
        pending: coverage.pending,
        freshness: coverage.freshness,
        keys: { trusted: keys.trusted.map((key) => `${key.name}+${key.keyId.toString('hex')}`), from: keys.from },
        checks: CHECKS,
        findings: findings.listed,
        findingsTotal: findings.total,
        firstDivergence: findings.firstDivergence,
      };
    },
  };
}

function newestBySize(checkpoints: readonly VerifiedCheckpoint[]): VerifiedCheckpoint | undefined {
  return checkpoints.reduce<VerifiedCheckpoint | undefined>((best, next) => (best === undefined || next.body.size > best.body.size || (next.body.size === best.body.size && next.body.time > best.body.time) ? next : best), undefined);
}

function resolveKeys(source: EntrySource, options: VerifyOptions): { trusted: NoteKey[]; from: 'argument' | 'source' } {
  if (options.trustedKeys !== undefined && options.trustedKeys.length > 0) return { trusted: options.trustedKeys.map(parseVerifierKey), from: 'argument' };
  const shipped = source.shippedKeys();
  if (shipped.length === 0) throw new KeytrailError('VERIFY_KEY_MISSING', `no --key given and no verifier key stored with ${source.path}`);
  return { trusted: shipped.map(parseVerifierKey), from: 'source' };
}
