import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KmsEvent } from '../src/core/schemas/kms-event.ts';
import { normaliseAzureRecord } from '../src/ingest/azure/normalise.ts';
import type { NormaliseResult } from '../src/ingest/source.ts';
import { normaliseVaultEntry } from '../src/ingest/vault/normalise.ts';
import { createHarness, type Harness } from './helpers/correlate-harness.ts';
import { FIXTURES } from './helpers/fixtures.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

const context = (minutes: number) => ({ source: 'test', ingestTime: new Date(Date.parse('2026-01-10T13:00:00Z') + minutes * 60_000) });

function eventOf(result: NormaliseResult): KmsEvent {
  if (result.kind !== 'event') throw new Error(`expected an event, got ${result.reason}`);
  return JSON.parse(result.message.value.toString('utf8')) as KmsEvent;
}

function vaultLine(file: string, requestId: string): unknown {
  const lines = readFileSync(join(FIXTURES, 'vault', file), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; request: { id: string } });
  return lines.find((entry) => entry.type === 'response' && entry.request.id === requestId);
}

/**
 * One call reaching the correlator twice, through two ingest processes and in two forms: the same event
 * id, different raw bytes. It is a duplicate, not a conflict (regression: the correlator compared raw
 * hashes and dead-lettered the second form as CORRELATE_DUPLICATE_CONFLICT).
 */
describe('correlator: one call in two provider forms', () => {
  it('drops an Azure AuditEvent delivered as resource-log JSON and again as an AZKVAuditLogs row', async () => {
    const storage = (JSON.parse(readFileSync(join(FIXTURES, 'azure', 'storage-insights-logs-auditevent.json'), 'utf8')) as { records: unknown[] }).records[1];
    const logAnalytics = (JSON.parse(readFileSync(join(FIXTURES, 'azure', 'azkv-audit-logs.json'), 'utf8')) as unknown[])[0];
    const first = eventOf(normaliseAzureRecord(storage, context(0)));
    const second = eventOf(normaliseAzureRecord(logAnalytics, context(5)));
    expect(second.eventId).toBe(first.eventId);
    expect(second.rawSha256).not.toBe(first.rawSha256);
    await expectOneRecord(first, second);
  });

  it('drops a Vault request logged by the default device and by a log_raw device', async () => {
    const requestId = 'c53ef2a7-a30d-5d7c-ba77-2b1e18b974ff';
    const first = eventOf(normaliseVaultEntry(vaultLine('audit.log', requestId), context(0)));
    const second = eventOf(normaliseVaultEntry(vaultLine('audit-raw.log', requestId), context(5)));
    expect(second.rawSha256).not.toBe(first.rawSha256);
    expect(second.attributes?.dataHmaced).not.toBe(first.attributes?.dataHmaced);
    await expectOneRecord(first, second);
  });
});

async function expectOneRecord(first: KmsEvent, second: KmsEvent): Promise<void> {
  const h = createHarness(tempDir());
  open.push(h);
  await h.publish(first, second);
  await h.drain();
  await h.correlator.closeAll();
  expect(h.correlator.counts).toMatchObject({ kmsEvents: 2, duplicates: 1, duplicateConflicts: 0, deadLettered: 0 });
  const records = await h.records();
  expect(records.map((record) => [record.kind, record.kmsEvent?.eventId])).toEqual([['unattributed', first.eventId]]);
}
