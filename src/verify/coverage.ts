import type { VerifiedCheckpoint } from './checkpoints.ts';
import type { FindingList } from './findings.ts';

export interface FreshnessPolicy {
  /** The time the log is judged at: now for a live data directory, the capture time of a bundle. */
  at: Date;
  /** Newest checkpoint may be at most this old: the sealer's heartbeat cadence plus a grace period. */
  maxAgeMs: number;
  /** Fail on entries beyond the newest checkpoint even when the head is fresh. */
  requireSigned: boolean;
}

export interface CoverageInput {
  logSize: number;
  startSeq: number;
  checkpoints: readonly VerifiedCheckpoint[];
  /** The earliest sealedAt among entries beyond every checkpoint, if any. */
  earliestPendingSealedAt: string | null;
}

export interface Coverage {
  /** Entries beyond the newest checkpoint: chained but not (yet) signed, never counted as verified. */
  pending: { fromSeq: number; count: number; accepted: boolean } | null;
  freshness: { at: string; newestSignedAt: string | null; maxAgeMs: number; fresh: boolean };
}

/**
 * A live log's tail may be unsigned for up to one checkpoint interval. Such entries are reported as
 * pending, and accepted only while the head is fresh and they were sealed after the newest checkpoint
 * was signed; otherwise they, like a stale head, fail the log.
 */
export function checkCoverage(input: CoverageInput, policy: FreshnessPolicy, findings: FindingList): Coverage {
  const { checkpoints, logSize } = input;
  const newestByTime = checkpoints.reduce<VerifiedCheckpoint | undefined>((best, next) => (best === undefined || Date.parse(next.body.time) > Date.parse(best.body.time) ? next : best), undefined);
  const ageMs = newestByTime === undefined ? Number.POSITIVE_INFINITY : policy.at.getTime() - Date.parse(newestByTime.body.time);
  const fresh = ageMs <= policy.maxAgeMs;
  if (newestByTime === undefined) {
    findings.add({ code: 'VERIFY_NO_CHECKPOINT', seq: input.startSeq, message: `${logSize - input.startSeq} entries and no checkpoint signed by a trusted key: nothing vouches for this log` });
  } else if (!fresh) {
    findings.add({
      code: 'VERIFY_STALE_HEAD',
      checkpoint: newestByTime.label,
      where: newestByTime.label,
      message: `stale head: the newest checkpoint was signed ${formatAge(ageMs)} before ${policy.at.toISOString()}, more than the ${formatAge(policy.maxAgeMs)} a running sealer allows (heartbeat + grace); the sealer stopped, or newer entries and checkpoints were removed`,
      expected: `signed at or after ${new Date(policy.at.getTime() - policy.maxAgeMs).toISOString()}`,
      actual: newestByTime.body.time,
    });
  }
  const covered = Math.max(input.startSeq, ...checkpoints.map((checkpoint) => checkpoint.body.size));
  let pending: Coverage['pending'] = null;
  if (logSize > covered && newestByTime !== undefined) {
    const sealedBeforeHead = input.earliestPendingSealedAt !== null && Date.parse(input.earliestPendingSealedAt) < Date.parse(newestByTime.body.time);
    const accepted = fresh && !policy.requireSigned && !sealedBeforeHead;
    pending = { fromSeq: covered, count: logSize - covered, accepted };
    if (!accepted) {
      const why = sealedBeforeHead ? `entry ${covered} says it was sealed at ${input.earliestPendingSealedAt}, before the newest checkpoint was signed, yet that checkpoint does not cover it` : !fresh ? 'the head is stale, so no checkpoint is coming for them' : 'every entry must be signed (--require-signed)';
      findings.add({ code: 'VERIFY_UNCOVERED_ENTRIES', seq: covered, message: `entries ${covered}–${logSize - 1} are beyond the newest signed checkpoint: ${why}`, expected: String(covered), actual: String(logSize) });
    }
  }
  return { pending, freshness: { at: policy.at.toISOString(), newestSignedAt: newestByTime?.body.time ?? null, maxAgeMs: policy.maxAgeMs, fresh } };
}

function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return 'forever';
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}
