import { basename } from 'node:path';
import { readBundleManifest } from './bundle-files.ts';
import { openBundleSource, type BundleSource } from './bundle-source.ts';
import type { Finding } from './findings.ts';
import { FindingList } from './findings.ts';
import type { VerifyReport } from './report.ts';
import { verifyLogInParallel, type VerifyOptions } from './verify-log.ts';

export interface BundleVerification {
  report: VerifyReport;
  /** Absent when the manifest could not be read (the report then says why). */
  source?: Pick<BundleSource, 'manifest' | 'manifestSha256' | 'notes'>;
}

/**
 * Verifies one bundle on its own, offline: its files against its manifest, every entry and checkpoint
 * through the same walk as a data directory, starting where the manifest says and anchored by the
 * previous closing checkpoint it ships. Every entry must be signed: a bundle has no live tail.
 */
export async function verifyBundle(dir: string, options: VerifyOptions & { workers?: number }, label = basename(dir), extra: Finding[] = []): Promise<BundleVerification> {
  const read = readBundleManifest(dir, label);
  if (!read.ok) return { report: unreadableReport(dir, [...extra, read.finding]) };
  const opened = openBundleSource(dir, label, read.manifest, read.sha256);
  const source: BundleSource = { ...opened, problems: () => [...extra, ...(opened.problems?.() ?? [])] };
  const report = await verifyLogInParallel(source, { ...options, requireSigned: true, workers: options.workers ?? 0 });
  return { report, source: opened };
}

/** The report of a bundle that could not be walked at all: what was found, and nothing claimed. */
export function unreadableReport(path: string, findings: readonly Finding[]): VerifyReport {
  const list = new FindingList();
  for (const finding of findings) list.add(finding);
  return {
    ok: false,
    source: path,
    kind: 'bundle',
    origin: null,
    entries: 0,
    firstSeq: 0,
    checkpoints: { total: 0, verified: 0, given: 0, newest: null },
    pending: null,
    freshness: { at: new Date(0).toISOString(), newestSignedAt: null, maxAgeMs: 0, fresh: false },
    keys: { trusted: [], from: 'source' },
    checks: [],
    findings: list.listed,
    findingsTotal: list.total,
    firstDivergence: list.firstDivergence,
  };
}
