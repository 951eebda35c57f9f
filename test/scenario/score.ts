import type { AttributedRecord } from '../../src/core/schemas/record.ts';
import { scenarioInputId, type ScenarioTruth } from './truth.ts';

export interface AccuracyReport {
  records: number;
  kinds: Record<string, number>;
  rules: Record<string, number>;
  /** Records that name a user for a call that user's request did not make, or link the wrong data key. */
  precisionViolations: string[];
  /** On-time exact and cached cases that did not end up attributed by their rule. */
  recallMisses: string[];
  /** Input events held by no record, by more than one, or records holding events that were never sent. */
  ownershipViolations: string[];
  /** Heuristic-only pairs, and how many the heuristic rule attributed (correctly, or it would be a precision violation). */
  heuristic: { pairs: number; attributed: number };
}

/** Input ids a record holds as its own: all of them, except in a correction, which holds only what the corrected record lacks. */
export function ownedInputs(record: AttributedRecord, byId: ReadonlyMap<string, AttributedRecord>): string[] | undefined {
  const inputs = inputIds(record);
  if (record.kind !== 'correction') return inputs;
  const corrected = byId.get(record.corrects!.recordId);
  if (corrected === undefined) return undefined;
  const held = new Set(inputIds(corrected));
  return inputs.filter((id) => !held.has(id));
}

function inputIds(record: AttributedRecord): string[] {
  const ids: string[] = [];
  if (record.kmsEvent !== null) ids.push(`kms:${record.kmsEvent.provider}:${record.kmsEvent.eventId}`);
  if (record.appEvent !== null) ids.push(`app:${record.appEvent.event.eventId}`);
  return ids;
}

/** Scores the correlator's records against what really happened. */
export function scoreRecords(records: readonly AttributedRecord[], truth: ScenarioTruth): AccuracyReport {
  const report: AccuracyReport = { records: records.length, kinds: {}, rules: {}, precisionViolations: [], recallMisses: [], ownershipViolations: [], heuristic: { pairs: 0, attributed: 0 } };
  const byId = new Map(records.map((record) => [record.id, record]));
  const owner = new Map<string, AttributedRecord>();
  for (const record of records) {
    report.kinds[record.kind] = (report.kinds[record.kind] ?? 0) + 1;
    if (record.rule !== null) report.rules[`${record.kind}/${record.rule}`] = (report.rules[`${record.kind}/${record.rule}`] ?? 0) + 1;
    const owned = ownedInputs(record, byId)?.map((id) => scenarioInputId(truth, id));
    if (owned === undefined) report.ownershipViolations.push(`correction ${record.id} corrects unknown record ${record.corrects!.recordId}`);
    for (const id of owned ?? []) {
      if (owner.has(id)) report.ownershipViolations.push(`${id} held by ${owner.get(id)!.kind} ${owner.get(id)!.id} and ${record.kind} ${record.id}`);
      else owner.set(id, record);
      if (!truth.kms.has(id) && !truth.app.has(id)) report.ownershipViolations.push(`${record.kind} ${record.id} holds ${id}, which was never sent`);
    }
    checkPrecision(record, truth, report);
  }
  for (const id of [...truth.kms.keys(), ...truth.app.keys()]) if (!owner.has(id)) report.ownershipViolations.push(`${id} is in no record`);
  checkRecall(truth, owner, report);
  return report;
}

function checkPrecision(record: AttributedRecord, truth: ScenarioTruth, report: AccuracyReport): void {
  if (record.user === null || record.rule === null) return;
  const appId = `app:${record.appEvent!.event.eventId}`;
  if (record.rule === 'cached') {
    const expected = truth.app.get(appId);
    const linked = record.linkedKmsEvents.map((ref) => scenarioInputId(truth, `kms:${ref.provider}:${ref.eventId}`));
    if (expected?.cause !== 'cached' || linked.length !== 1 || linked[0] !== expected.kmsInputId) {
      report.precisionViolations.push(`${record.kind}/cached ${record.id}: ${appId} linked to ${linked.join(',')} but used the data key of ${expected?.kmsInputId ?? '(no KMS call)'}`);
    }
    return;
  }
  const kmsId = scenarioInputId(truth, `kms:${record.kmsEvent!.provider}:${record.kmsEvent!.eventId}`);
  const expected = truth.kms.get(kmsId);
  if (expected?.cause !== 'app' || expected.appInputId !== appId || expected.user !== record.user.id) {
    report.precisionViolations.push(`${record.kind}/${record.rule} ${record.id}: ${kmsId} attributed to ${record.user.id} via ${appId}, truth ${expected?.cause} ${expected?.user ?? ''} via ${expected?.appInputId ?? '-'}`);
  }
}

function checkRecall(truth: ScenarioTruth, owner: ReadonlyMap<string, AttributedRecord>, report: AccuracyReport): void {
  for (const [id, expected] of truth.kms) {
    const record = owner.get(id);
    if (record === undefined) continue;
    if (expected.cause === 'app' && expected.joinable === 'heuristic') {
      report.heuristic.pairs += 1;
      if (record.rule === 'heuristic') report.heuristic.attributed += 1;
    }
    const wanted = { service: 'service', lifecycle: 'lifecycle', unreported: 'unattributed' }[expected.cause as string];
    if (wanted !== undefined && record.kind !== wanted) report.recallMisses.push(`${id} (${expected.cause}) became ${record.kind}`);
    if (expected.cause === 'app' && expected.joinable === 'exact' && expected.onTime && (record.kind !== 'attributed' || record.rule !== 'exact')) {
      report.recallMisses.push(`${id} (exact, on time) became ${record.kind} ${record.reason ?? ''}`);
    }
  }
  for (const [id, expected] of truth.app) {
    const record = owner.get(id);
    if (record === undefined) continue;
    if (expected.cause === 'cached' && expected.onTime && (record.kind !== 'attributed' || record.rule !== 'cached')) {
      report.recallMisses.push(`${id} (cached, on time) became ${record.kind} ${record.reason ?? ''}`);
    }
    if (expected.cause === 'missing-kms' && record.kind !== 'unconfirmed') report.recallMisses.push(`${id} (no KMS call) became ${record.kind}`);
  }
}
