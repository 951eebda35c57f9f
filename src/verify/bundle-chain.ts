import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_NAME } from '../core/schemas/bundle-manifest.ts';
import { readBundleManifest } from './bundle-files.ts';
import { noteBody } from './bundle-manifest-check.ts';
import { unreadableReport, verifyBundle, type BundleVerification } from './bundle.ts';
import type { ChainBundle, ChainReport } from './chain-report.ts';
import type { Finding } from './findings.ts';
import type { VerifyOptions } from './verify-log.ts';

/** One bundle of a chain: its name, its local directory (null for an S3 attempt that never completed), and findings made while fetching it. */
export interface ChainMember {
  name: string;
  dir: string | null;
  extra: Finding[];
}

type Verified = ChainBundle & { verification: BundleVerification; nameIndex: number };

/** The bundles (`bundle-NNNNNN`) in a local destination directory. */
export function listLocalMembers(dir: string): ChainMember[] {
  return readdirSync(dir)
    .filter((name) => BUNDLE_NAME.test(name) && statSync(join(dir, name)).isDirectory())
    .map((name) => ({ name, dir: join(dir, name), extra: [] }));
}

export function isBundleChainDirectory(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).some((name) => BUNDLE_NAME.test(name));
}

/**
 * Verifies a chain of bundles: each bundle on its own, then the chain: bundle indexes 1, 2, … with no
 * gap, each starting where the one before ends, recording that bundle's manifest SHA-256 and carrying
 * its closing checkpoint. Checkpoints the auditor kept are checked by the bundle that covers them;
 * one beyond the last bundle means bundles were removed from the end.
 */
export async function verifyBundleChain(members: readonly ChainMember[], options: VerifyOptions & { workers?: number }, sourceLabel: string): Promise<ChainReport> {
  const findings: Finding[] = [];
  const ranges = members.map((member) => (member.dir === null ? null : readBundleManifest(member.dir, member.name))).map((read) => (read?.ok === true ? read.manifest : null));
  const known = routeKnownCheckpoints(options.knownCheckpoints ?? [], ranges, findings);
  const verified: Verified[] = [];
  for (const [position, member] of members.entries()) {
    const manifest = ranges[position];
    const verification =
      member.dir === null
        ? { report: unreadableReport(member.name, [...member.extra, { code: 'VERIFY_BUNDLE_INCOMPLETE', where: member.name, message: 'the export attempt has no versions.json: it never completed (or its final object was removed); nothing in it is counted' } as Finding]) }
        : await verifyBundle(member.dir, { ...options, knownCheckpoints: known.get(position) ?? [] }, member.name, member.extra);
    verified.push({ name: member.name, index: manifest?.index ?? null, firstSeq: manifest?.firstSeq ?? null, endSeq: manifest?.endSeq ?? null, report: verification.report, verification, nameIndex: Number(BUNDLE_NAME.exec(member.name)![1]) });
  }
  const complete = verified.filter((bundle) => bundle.verification.source !== undefined);
  const superseded = verified.filter((bundle) => bundle.verification.source === undefined && complete.some((other) => other.nameIndex === bundle.nameIndex)).map((bundle) => bundle.name);
  checkChain(complete, findings);
  const counted = verified.filter((bundle) => !superseded.includes(bundle.name)).sort((a, b) => (a.index ?? a.nameIndex) - (b.index ?? b.nameIndex) || a.name.localeCompare(b.name));
  const bundleFindings = counted.reduce((sum, bundle) => sum + bundle.report.findingsTotal, 0);
  const last = complete.sort((a, b) => a.index! - b.index!)[complete.length - 1];
  return {
    ok: findings.length === 0 && bundleFindings === 0 && counted.length > 0,
    kind: 'bundle-chain',
    source: sourceLabel,
    origin: complete[0]?.verification.source!.manifest.origin ?? null,
    entries: last?.endSeq ?? 0,
    bundles: counted.map(({ name, index, firstSeq, endSeq, report }) => ({ name, index, firstSeq, endSeq, report })),
    superseded,
    findings,
    findingsTotal: findings.length + bundleFindings,
  };
}

function checkChain(complete: Verified[], findings: Finding[]): void {
  for (const bundle of complete) {
    if (bundle.index !== bundle.nameIndex) findings.push({ code: 'VERIFY_BUNDLE_SWAPPED', where: bundle.name, message: `the bundle under this name is bundle ${bundle.index} of the chain (bundles renamed or swapped)`, expected: String(bundle.nameIndex), actual: String(bundle.index) });
  }
  const byIndex = [...complete].sort((a, b) => a.index! - b.index!);
  let previous: Verified | undefined;
  for (const bundle of byIndex) {
    const { manifest, notes } = bundle.verification.source!;
    const expectedIndex = (previous?.index ?? 0) + 1;
    const expectedSeq = previous?.endSeq ?? 0;
    if (previous !== undefined && bundle.index === previous.index) {
      findings.push({ code: 'VERIFY_BUNDLE_SWAPPED', where: bundle.name, message: `${previous.name} and ${bundle.name} both claim to be bundle ${bundle.index}` });
      continue;
    }
    if (bundle.index! > expectedIndex || bundle.firstSeq! > expectedSeq) {
      const what = bundle.index! > expectedIndex ? `bundle${bundle.index! - expectedIndex > 1 ? 's' : ''} ${expectedIndex}${bundle.index! - expectedIndex > 1 ? `–${bundle.index! - 1}` : ''}` : 'a bundle';
      findings.push({ code: 'VERIFY_BUNDLE_MISSING', where: bundle.name, seq: expectedSeq, message: `${what} before ${bundle.name} ${bundle.index! - expectedIndex > 1 ? 'are' : 'is'} missing: entries ${expectedSeq}–${bundle.firstSeq! - 1} are in no bundle`, expected: `bundle ${expectedIndex} from seq ${expectedSeq}`, actual: `bundle ${bundle.index} from seq ${bundle.firstSeq}` });
    } else if (bundle.firstSeq! < expectedSeq) {
      findings.push({ code: 'VERIFY_BUNDLE_SWAPPED', where: bundle.name, seq: bundle.firstSeq!, message: `${bundle.name} starts at seq ${bundle.firstSeq}, inside ${previous!.name} (which ends at ${expectedSeq - 1}): bundles out of order`, expected: String(expectedSeq), actual: String(bundle.firstSeq) });
    } else if (previous !== undefined && manifest.previous !== null) {
      const before = previous.verification.source!;
      if (manifest.previous.manifestSha256 !== before.manifestSha256) {
        findings.push({ code: 'VERIFY_BUNDLE_MANIFEST_ALTERED', where: `${previous.name}/manifest.json`, message: `the manifest is not the one ${bundle.name} recorded when it was exported: it was changed afterwards`, expected: manifest.previous.manifestSha256, actual: before.manifestSha256 });
      }
      if (notes.get(manifest.previous.checkpoint) !== before.notes.get(before.manifest.closingCheckpoint.path)) {
        findings.push({ code: 'VERIFY_BUNDLE_LINK', where: `${bundle.name}/${manifest.previous.checkpoint}`, message: `the previous closing checkpoint ${bundle.name} carries is not the one ${previous.name} closes with` });
      }
    }
    previous = bundle;
  }
}

/** Gives each auditor's checkpoint to the bundle whose range holds its size; one past the chain is a missing tail. */
function routeKnownCheckpoints(known: NonNullable<VerifyOptions['knownCheckpoints']>, ranges: readonly ({ firstSeq: number; endSeq: number } | null)[], findings: Finding[]): Map<number, typeof known> {
  const routed = new Map<number, typeof known>();
  const end = Math.max(0, ...ranges.map((range) => range?.endSeq ?? 0));
  for (const checkpoint of known) {
    const size = noteBody(checkpoint.note)?.size;
    const position = ranges.findIndex((range) => range !== null && size !== undefined && range.firstSeq < size && size <= range.endSeq);
    if (position >= 0) routed.set(position, [...(routed.get(position) ?? []), checkpoint]);
    else if (size !== undefined && size > end) findings.push({ code: 'VERIFY_BUNDLE_MISSING', checkpoint: checkpoint.label, where: checkpoint.label, seq: end, message: `the auditor's checkpoint covers ${size} entries but the bundles end at ${end}: bundles after the last one were removed`, expected: String(size), actual: String(end) });
  }
  return routed;
}
