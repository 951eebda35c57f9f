import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

const INPUTS = [
  'gcp:fixtures/gcp/data-access.json',
  'gcp:fixtures/gcp/activity-sink.ndjson',
  'app:fixtures/gcp/app-events.ndjson',
  'azure:fixtures/azure/storage-insights-logs-auditevent.json',
  'azure:fixtures/azure/storage-auditevent.ndjson',
  'azure:fixtures/azure/azure-diagnostics.json',
  'azure:fixtures/azure/azkv-audit-logs.json',
  'app:fixtures/azure/app-events.ndjson',
];

interface SealedRecord {
  kind: string;
  provider: string;
  kmsEvent?: { rawOperation: string; invokedBy: string | null };
  appEvent?: { event: { eventId: string } };
}

describe('keytrail run --once over the GCP and Azure fixtures', () => {
  it('ingests every provider fixture, joins by token and correlation id, and never joins service calls or challenges', () => {
    const dataDir = tempDir();
    const run = runCli(['run', '--once', '--json', '--data-dir', dataDir, ...INPUTS.flatMap((input) => ['--input', input])]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout) as { inputs: { counts: Record<string, number> }[]; chain: { kinds: Record<string, number> } };
    expect(summary.inputs.map((input) => [input.counts.published, input.counts.filtered, input.counts.duplicates, input.counts.deadLettered])).toEqual([
      [8, 0, 0, 0],
      [8, 1, 1, 0],
      [6, 0, 0, 0],
      [14, 3, 0, 0],
      [3, 0, 0, 0],
      [5, 2, 0, 0],
      [7, 1, 1, 0],
      [14, 0, 0, 0],
    ]);
    expect(summary.chain.kinds).toEqual({ attributed: 18, unattributed: 8, unconfirmed: 2, service: 3, lifecycle: 16 });

    const db = new Database(join(dataDir, 'chain.db'), { readonly: true });
    const records = db
      .prepare<[], { bytes: Buffer }>('SELECT bytes FROM entries ORDER BY seq')
      .all()
      .map((row) => (JSON.parse(row.bytes.toString('utf8')) as { record: SealedRecord }).record);
    db.close();
    const attributedApps = records.filter((record) => record.kind === 'attributed').map((record) => record.appEvent!.event.eventId);
    // The Azure fallback: the client's own request id, logged as CorrelationId, joined through correlationId.
    expect(attributedApps).toContain('app-az-0010');
    expect(attributedApps).toEqual(expect.arrayContaining(['app-gcp-0001', 'app-gcp-0002', 'app-gcp-0003', 'app-gcp-0004', 'app-gcp-0005']));
    // Data access logs off (no audit entry) and a near miss with another request id stay unconfirmed.
    expect(records.filter((record) => record.kind === 'unconfirmed').map((record) => record.appEvent!.event.eventId).sort()).toEqual(['app-az-0014', 'app-gcp-0006']);
    expect(records.filter((record) => record.kind === 'service').map((record) => record.kmsEvent!.invokedBy).sort()).toEqual(['Microsoft.Sql/servers', 'Microsoft.Storage/storageAccounts', 'storage.googleapis.com']);
    expect(records.some((record) => record.kmsEvent?.rawOperation === 'Authentication')).toBe(false);

    const verify = runCli(['verify', dataDir]);
    expect(verify.status).toBe(0);
  });
});
