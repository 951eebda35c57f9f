import type { BackfillSummary, RunSummary, SourceSummary } from '../app.ts';
import type { IngestCounts } from '../ingest/publisher.ts';
import type { VerifyReport } from '../verify/report.ts';

const KIND_ORDER = ['attributed', 'unattributed', 'unconfirmed', 'service', 'lifecycle', 'correction'] as const;

/** The summary a security engineer wants first after a run: what came in, what it became, what is unexplained. */
export function formatRunSummary(summary: BackfillSummary, verification?: VerifyReport): string {
  const lines: string[] = [];
  lines.push('events in');
  for (const input of summary.inputs) lines.push(`  ${input.source.padEnd(5)} ${String(input.counts.published).padStart(6)} published  ${describeExtras(input.counts)}`.trimEnd() + `   ${input.path}`);
  for (const source of summary.sources) lines.push(`  ${String(source.counts.published).padStart(12)} published  ${describeExtras(source.counts)}`.trimEnd() + `   ${describeSource(source)}`);
  lines.push('', 'records sealed');
  for (const kind of KIND_ORDER) {
    const count = summary.chain.kinds[kind] ?? 0;
    if (count > 0 || kind === 'attributed' || kind === 'unattributed' || kind === 'unconfirmed') lines.push(`  ${kind.padEnd(13)} ${String(count).padStart(6)}`);
  }
  if (summary.correlator.duplicates + summary.sealer.duplicates > 0) lines.push(`  duplicates dropped ${summary.correlator.duplicates + summary.sealer.duplicates}`);
  const decrypts = summary.chain.unattributedDecrypts;
  lines.push('', decrypts.length === 0 ? 'unattributed decrypts: none' : `unattributed decrypts (${decrypts.length}): no user request explains these`);
  for (const call of decrypts) {
    lines.push(`  seq ${call.seq}  ${call.eventTime}  ${call.operation}${call.outcome === 'failure' ? ' (failed)' : ''}`);
    lines.push(`      key ${call.keyId ?? '(none logged)'}`);
    lines.push(`      by  ${call.principal ?? '(unknown principal)'}${call.sourceIp === null ? '' : ` from ${call.sourceIp}`}`);
  }
  const deadLettered = [...summary.inputs, ...summary.sources].reduce((total, input) => total + input.counts.deadLettered, 0) + summary.correlator.deadLettered + summary.sealer.deadLettered;
  lines.push('', `dead-letter: ${deadLettered} input${deadLettered === 1 ? '' : 's'} kept with reason and raw bytes`);
  for (const input of summary.inputs) {
    for (const [code, count] of Object.entries(input.counts.deadLetterCodes)) lines.push(`  ${String(count).padStart(4)} ${code}  (${input.source})`);
  }
  for (const source of summary.sources) {
    for (const [code, count] of Object.entries(source.counts.deadLetterCodes)) lines.push(`  ${String(count).padStart(4)} ${code}  (${source.name})`);
  }
  lines.push('', 'chain');
  lines.push(`  origin ${summary.origin}`);
  lines.push(`  size   ${summary.chain.size} entries (${summary.sealer.sealed} sealed now)`);
  lines.push(`  head   ${summary.chain.headHex}`);
  lines.push(`  key    ${summary.signerKey.verifierKey}${summary.signerKey.generated ? ' (new key generated in the data directory)' : ''}`);
  if (verification !== undefined) {
    const mark = (ok: boolean): string => (ok ? '✓' : '✗');
    const signaturesOk = verification.checkpoints.verified === verification.checkpoints.total && verification.checkpoints.total > 0;
    lines.push(`  checkpoint signature ${mark(signaturesOk && verification.ok)} / chain ${mark(verification.ok)}`);
  }
  if (summary.export !== null) {
    const exported = summary.export;
    lines.push('', `export → ${exported.destination}`, `  ${exported.bundles.length} bundle${exported.bundles.length === 1 ? '' : 's'} (${exported.entries} entries) in ${exported.runs} run${exported.runs === 1 ? '' : 's'}${exported.bundles.length > 0 ? `: ${exported.bundles.join(', ')}` : ''}`);
    for (const failure of exported.failures) lines.push(`  a run failed (the next one resumed): ${failure}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The summary of a process that ran some of the stages (`keytrail run --stages ...`). */
export function formatStageSummary(summary: RunSummary): string {
  const lines = [`stages ${summary.stages.join(', ')} over the ${summary.bus === 'kafka' ? 'Kafka' : 'embedded'} bus`];
  for (const input of summary.inputs) {
    const { counts } = input;
    lines.push(`  ingest    ${input.source} ${counts.published} published, ${counts.deadLettered} to dead-letter, ${counts.filtered} skipped   ${input.path}`);
  }
  for (const source of summary.sources) {
    const { counts } = source;
    lines.push(`  ingest    ${counts.published} published, ${counts.deadLettered} to dead-letter, ${counts.filtered} skipped   ${describeSource(source)}`);
  }
  if (summary.correlator !== undefined) {
    const counts = summary.correlator;
    const gaps = counts.stateGaps > 0 ? `, ${counts.stateGaps} offset gap${counts.stateGaps === 1 ? '' : 's'} (CORRELATE_STATE_GAP)` : '';
    lines.push(`  correlate ${counts.kmsEvents} KMS + ${counts.appEvents} app events → ${counts.records} records, ${counts.duplicates} duplicates, ${counts.deadLettered} to dead-letter${gaps}`);
  }
  if (summary.sealer !== undefined) {
    const counts = summary.sealer;
    lines.push(`  seal      ${counts.received} received, ${counts.sealed} sealed, ${counts.duplicates} duplicates, ${counts.deadLettered} to dead-letter, ${counts.checkpoints} checkpoints`);
  }
  if (summary.chain !== undefined) lines.push(`  chain     ${summary.origin} head ${summary.chain.headHex}`);
  return `${lines.join('\n')}\n`;
}

function describeExtras(counts: IngestCounts): string {
  return [
    counts.deadLettered > 0 ? `${counts.deadLettered} to dead-letter` : '',
    counts.duplicates > 0 ? `${counts.duplicates} duplicates dropped` : '',
    counts.filtered > 0 ? `${counts.filtered} not KMS, skipped` : '',
    counts.merged > 0 ? `${counts.merged} merged into their pair` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

function describeSource(source: SourceSummary): string {
  return source.address === undefined ? source.name : `${source.name} (listened on ${source.address.host}:${source.address.port})`;
}
