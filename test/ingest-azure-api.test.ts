import { writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pollApiSource } from '../src/ingest/api-poller.ts';
import { createAzureLogsSource, type AzureLogsSource } from '../src/ingest/azure/api-source.ts';
import { normaliseAzureRecord } from '../src/ingest/azure/normalise.ts';
import { azureKeyVaultSource } from '../src/ingest/azure/source.ts';
import { ingestFile } from '../src/ingest/ingest-file.ts';
import { FIXTURES, readFixtureDocuments } from './helpers/fixtures.ts';
import { createIngestHarness, type IngestHarness } from './helpers/ingest-harness.ts';
import { useTempDirs } from './helpers/temp-dir.ts';
import { startLocalLogsServer, type LocalLogsServer } from './servers/azure-logs.ts';
import { createTestCertificates, type TestCertificates } from './servers/test-ca.ts';

const TOKEN = 'test-access-token';
const NOW = '2026-01-10T13:00:00Z';
const INGESTED = '2026-01-10T12:25:00.1234567Z';
const tempDir = useTempDirs();
const credential = { getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) };
const noWait = async (): Promise<void> => {};

let certificates: TestCertificates;
let agent: Agent;
let server: LocalLogsServer;
let harness: IngestHarness;

beforeAll(() => {
  certificates = createTestCertificates();
});

beforeEach(async () => {
  agent = new Agent({ ca: certificates.caPem });
  server = await startLocalLogsServer(certificates, TOKEN);
  server.addRows('AZKVAuditLogs', readFixtureDocuments('azure/azkv-audit-logs.json'), INGESTED);
  server.addRows('AzureDiagnostics', readFixtureDocuments('azure/azure-diagnostics.json'), INGESTED);
  harness = createIngestHarness(tempDir(), NOW);
});

afterEach(async () => {
  agent.destroy();
  await harness.close();
  await server.close();
});

afterAll(() => agent?.destroy());

function source(overrides: Record<string, unknown> = {}): AzureLogsSource {
  return createAzureLogsSource({ workspaceId: 'ws-keytrail-demo', endpoint: server.endpoint, startTime: '2026-01-10T12:00:00Z', pageSize: 3, ...overrides }, { clock: harness.clock, credential, agent });
}

/** Event ids and raw hashes the file path makes of a fixture: API mode must reproduce them. */
function expectedFromFile(relative: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of readFixtureDocuments(relative)) {
    const result = normaliseAzureRecord(row, { source: 'file', ingestTime: new Date(NOW) });
    if (result.kind === 'event') {
      const event = JSON.parse(result.message.value.toString('utf8')) as { eventId: string; rawSha256: string };
      out.set(event.eventId, event.rawSha256);
    }
  }
  return out;
}

describe('Azure API mode (@azure/monitor-query-logs over HTTPS against a local Log Analytics server)', () => {
  it('reads AZKVAuditLogs rows with a bearer token, keeps TimeGenerated to 100 ns, and hashes rows as the exported file does', async () => {
    const counts = await pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait });
    const events = await harness.kmsEvents();
    expect(new Map(events.map((event) => [event.eventId, event.rawSha256]))).toEqual(expectedFromFile('azure/azkv-audit-logs.json'));
    expect(counts).toMatchObject({ published: 8, filtered: 1, deadLettered: 0, duplicates: 0 });
    expect(events.find((event) => event.rawOperation === 'KeyUnwrap')?.eventTime).toBe('2026-01-10T12:00:01.0123456Z');
    expect(server.requests.every((request) => request.authorization === `Bearer ${TOKEN}` && request.query.startsWith('AZKVAuditLogs\n| where ingestion_time() >= datetime('))).toBe(true);
  });

  it('reads AzureDiagnostics rows through the Key Vault filter', async () => {
    const counts = await pollApiSource(source({ table: 'AzureDiagnostics' }), harness.deps, { untilCaughtUp: true, wait: noWait });
    const events = await harness.kmsEvents();
    expect(new Map(events.map((event) => [event.eventId, event.rawSha256]))).toEqual(expectedFromFile('azure/azure-diagnostics.json'));
    expect(counts).toMatchObject({ published: 5, filtered: 1 });
    expect(server.requests[0]!.query).toContain('| where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"');
  });

  it('waits for the Retry-After of a 429, backs off on a 503 mid-way, and resumes from the cursor without loss or duplication', async () => {
    server.failRequest(1, 429, { 'retry-after': '7' });
    server.failRequest(3, 503);
    const waits: number[] = [];
    const logs = source();
    const counts = await pollApiSource(logs, harness.deps, { untilCaughtUp: true, wait: async (ms) => void waits.push(ms), retry: { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 4 } });
    expect(waits).toEqual([7000, 100]);
    expect(logs.stats.throttled).toBe(1);
    expect(counts).toMatchObject({ published: 8, duplicates: 0, deadLettered: 0 });
    expect([...new Set((await harness.kmsEvents()).map((event) => event.eventId))].sort()).toEqual([...expectedFromFile('azure/azkv-audit-logs.json').keys()].sort());
  });

  it('never publishes a PartialFailure: it asks again with half the rows until the page completes', async () => {
    server.partialWhenMoreThan(2);
    const logs = source({ pageSize: 8 });
    const counts = await pollApiSource(logs, harness.deps, { untilCaughtUp: true, wait: noWait });
    expect(logs.stats.partialFailures).toBe(2);
    expect(counts).toMatchObject({ published: 8, duplicates: 0 });
    const sizes = server.requests.map((request) => Number(/\| top (\d+) by/.exec(request.query)![1]));
    expect(sizes.slice(0, 3)).toEqual([8, 4, 2]);
  });

  it('fails the run with a code when a PartialFailure persists at one row', async () => {
    server.partialWhenMoreThan(0);
    await expect(pollApiSource(source({ pageSize: 2 }), harness.deps, { untilCaughtUp: true, wait: noWait, retry: { baseDelayMs: 1, maxDelayMs: 1, maxAttempts: 3 } })).rejects.toMatchObject({ code: 'INGEST_AZURE_QUERY_PARTIAL' });
    expect(await harness.kmsEvents()).toEqual([]);
  });

  it('restarts from the (ingestion time, _ItemId) cursor in a new process without loss or duplication', async () => {
    server.failRequest(3, 403);
    await expect(pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait })).rejects.toMatchObject({ code: 'INGEST_AZURE_API_REJECTED' });
    expect(await harness.kmsEvents()).toHaveLength(5);
    harness.reopenState();
    const before = server.requests.length;
    const counts = await pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait });
    expect(server.requests[before]!.query).toContain('| where keytrail_ingested > datetime(2026-01-10T12:25:00.1234567Z) or (keytrail_ingested == datetime(2026-01-10T12:25:00.1234567Z) and strcmp(keytrail_item, "c0ffee00-0000-4000-8000-000000000006") > 0)');
    expect(counts).toMatchObject({ published: 3, duplicates: 0 });
    expect((await harness.kmsEvents()).map((event) => event.eventId).sort()).toEqual([...expectedFromFile('azure/azkv-audit-logs.json').keys()].sort());
  });

  it('reads a row ingested hours after its TimeGenerated in the window of its ingestion', async () => {
    await pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait });
    const late = { ...readFixtureDocuments('azure/azkv-audit-logs.json')[3]!, CorrelationId: 'late-0001', TimeGenerated: '2026-01-10T12:00:30.0000001Z' };
    server.addRows('AZKVAuditLogs', [late], '2026-01-10T15:02:00.0000000Z');
    harness.clock.set('2026-01-10T15:10:00Z');
    const counts = await pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait });
    expect(counts).toMatchObject({ published: 1, duplicates: 0 });
    expect((await harness.kmsEvents()).find((event) => event.joinKeys.correlationId === 'late-0001')?.eventTime).toBe('2026-01-10T12:00:30.0000001Z');
  });

  it('reads its bearer token by reference from a file', async () => {
    const tokenFile = join(tempDir(), 'token');
    writeFileSync(tokenFile, 'not-the-token\n');
    const config = { workspaceId: 'ws-keytrail-demo', endpoint: server.endpoint, startTime: '2026-01-10T12:00:00Z', tokenFile };
    await expect(pollApiSource(createAzureLogsSource(config, { clock: harness.clock, agent }), harness.deps, { untilCaughtUp: true, wait: noWait })).rejects.toMatchObject({ code: 'INGEST_AZURE_API_REJECTED', details: { statusCode: 401 } });
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const counts = await pollApiSource(createAzureLogsSource(config, { clock: harness.clock, agent }), harness.deps, { untilCaughtUp: true, wait: noWait });
    expect(counts.published).toBe(8);
    expect(() => createAzureLogsSource({ workspaceId: 'w' }, { clock: harness.clock })).toThrowError(expect.objectContaining({ code: 'CLI_CONFIG_INVALID' }));
  });

  it('drops the same call read from the storage export and from Log Analytics as a duplicate', async () => {
    const fromFile = await ingestFile(azureKeyVaultSource, `${FIXTURES}azure/storage-insights-logs-auditevent.json`, harness.deps);
    const fromApi = await pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait });
    expect(fromFile).toMatchObject({ published: 14, filtered: 3 });
    expect(fromApi).toMatchObject({ published: 7, duplicates: 1 });
  });
});
