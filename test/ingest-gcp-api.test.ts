import { credentials, status } from '@grpc/grpc-js';
import { Logging } from '@google-cloud/logging';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeytrailError } from '../src/core/errors.ts';
import { pollApiSource } from '../src/ingest/api-poller.ts';
import { createGcpLoggingSource, type GcpLoggingSource } from '../src/ingest/gcp/api-source.ts';
import { normaliseGcpEntry } from '../src/ingest/gcp/normalise.ts';
import { gcpFixtureEntries } from './helpers/fixtures.ts';
import { createIngestHarness, type IngestHarness } from './helpers/ingest-harness.ts';
import { useTempDirs } from './helpers/temp-dir.ts';
import { startLocalLoggingServer, type LocalLoggingServer } from './servers/gcp-logging.ts';

const PROJECT = 'keytrail-demo-prod';
const NOW = '2026-01-10T13:00:00Z';
const tempDir = useTempDirs();

/** A stub auth client: the local server is plaintext gRPC, so no token is ever requested. */
const authClient = { getRequestHeaders: async () => new Headers(), getProjectId: async () => PROJECT, request: async () => ({}) };

let server: LocalLoggingServer;
let harness: IngestHarness;
const clients: Logging[] = [];

function client(): Logging {
  const logging = new Logging({ projectId: PROJECT, apiEndpoint: '127.0.0.1', port: server.port, sslCreds: credentials.createInsecure(), authClient } as never);
  clients.push(logging);
  return logging;
}

function source(overrides: Record<string, unknown> = {}): GcpLoggingSource {
  return createGcpLoggingSource({ projectId: PROJECT, startTime: '2026-01-10T11:30:00Z', pageSize: 4, ...overrides }, { clock: harness.clock, logging: client() });
}

/** What the file path makes of the same entries: the event ids and raw hashes API mode must reproduce. */
function expectedFromFiles(): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of gcpFixtureEntries()) {
    const result = normaliseGcpEntry(entry, { source: 'file', ingestTime: new Date(NOW) });
    if (result.kind === 'event') {
      const event = JSON.parse(result.message.value.toString('utf8')) as { eventId: string; rawSha256: string };
      out.set(event.eventId, event.rawSha256);
    }
  }
  return out;
}

const noWait = async (): Promise<void> => {};

beforeEach(async () => {
  server = await startLocalLoggingServer();
  server.addEntries(gcpFixtureEntries());
  harness = createIngestHarness(tempDir(), NOW);
});

afterEach(async () => {
  for (const logging of clients.splice(0)) await logging.loggingService.close();
  await harness.close();
  await server.close();
});

describe('GCP API mode (@google-cloud/logging over gRPC against a local Cloud Logging server)', () => {
  it('reads every Cloud KMS entry, decodes the AuditLog Any, and hashes each entry exactly as the exported file does', async () => {
    const counts = await pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait });
    const events = await harness.kmsEvents();
    const expected = expectedFromFiles();
    expect(new Map(events.map((event) => [event.eventId, event.rawSha256]))).toEqual(expected);
    expect(counts).toMatchObject({ published: expected.size, deadLettered: 0, duplicates: 0 });
    const decrypt = events.find((event) => event.eventId.endsWith('#1n0f4qe2k8ag'));
    expect(decrypt).toMatchObject({ operation: 'decrypt', principal: { id: 'orders-batch@keytrail-demo-prod.iam.gserviceaccount.com', type: 'serviceAccount', delegationChain: ['alice@example.com'] }, joinKeys: { token: '7a9c2e41-3d8b-4f06-b1e5-62d0c8f4a9b7' } });
  });

  it('asks for ascending order, an explicit time range and the project, never the client defaults', async () => {
    await pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait });
    expect(server.requests.length).toBeGreaterThan(1);
    for (const request of server.requests) {
      expect(request.orderBy).toBe('timestamp asc');
      expect(request.resourceNames).toEqual([`projects/${PROJECT}`]);
      expect(request.filter).toMatch(/\(receiveTimestamp>="[^"]+"\) AND \(receiveTimestamp<"[^"]+"\) AND \(timestamp>="[^"]+"\)/);
      // The client appends a last-24-hours clause to filters that lack "timestamp"; none may carry it.
      expect(request.filter).not.toContain('timestamp >= "');
    }
    expect(server.requests[0]!.filter).toContain('(receiveTimestamp>="2026-01-10T11:30:00.000Z") AND (receiveTimestamp<"2026-01-10T12:30:00.000Z")');
  });

  it('keeps paging through empty pages that carry a nextPageToken', async () => {
    server.emptyPagesNext(2);
    const logging = source();
    const counts = await pollApiSource(logging, harness.deps, { untilCaughtUp: true, wait: noWait });
    expect(logging.stats.emptyPagesWithToken).toBe(2);
    expect(counts.published).toBe(expectedFromFiles().size);
  });

  it('backs off on RESOURCE_EXHAUSTED and on an outage mid-way, and resumes from the cursor without loss or duplication', async () => {
    server.failRequest(1, status.RESOURCE_EXHAUSTED, 'Quota exceeded for quota metric Read requests');
    server.failRequest(3, status.UNAVAILABLE, 'connection reset');
    const waits: number[] = [];
    const counts = await pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: async (ms) => void waits.push(ms), retry: { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 4 } });
    expect(waits).toEqual([100, 100]);
    const events = await harness.kmsEvents();
    expect(events.map((event) => event.eventId).sort()).toEqual([...expectedFromFiles().keys()].sort());
    expect(counts).toMatchObject({ duplicates: 0, deadLettered: 0 });
  });

  it('restarts from the durable (timestamp, insertId) cursor in a new process without loss, duplication or an old page token', async () => {
    server.failRequest(3, status.PERMISSION_DENIED, 'logging.privateLogEntries.list denied');
    await expect(pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait })).rejects.toMatchObject({ code: 'INGEST_GCP_API_REJECTED' });
    const firstRun = await harness.kmsEvents();
    expect(firstRun.length).toBe(8);
    harness.reopenState();
    const requestsBefore = server.requests.length;
    const counts = await pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait });
    const resumed = server.requests.slice(requestsBefore);
    expect(resumed[0]!.pageToken).toBe('');
    expect(resumed[0]!.filter).toContain('(timestamp>"2026-01-10T12:00:11.302Z" OR (timestamp="2026-01-10T12:00:11.302Z" AND insertId>"1n0f4qe2k8ai"))');
    expect(counts.duplicates).toBe(0);
    const events = await harness.kmsEvents();
    expect(events.map((event) => event.eventId).sort()).toEqual([...expectedFromFiles().keys()].sort());
  });

  it('re-queries from the cursor when the API refuses an expired page token', async () => {
    const logging = source();
    const first = await logging.fetchPage(undefined);
    expect(first.items).toHaveLength(4);
    server.expireIssuedTokens();
    const second = await logging.fetchPage(first.cursorAfter);
    expect(logging.stats.pageTokensRefused).toBe(1);
    expect(second.items.map((item) => (item.ok ? (item.value as { insertId: string }).insertId : 'failed'))).toEqual(['1n0f4qe2k8af', '1n0f4qe2k8ag', '1n0f4qe2k8ah', '1n0f4qe2k8ai']);
  });

  it('reads an entry that arrives after its window was read in a later window, and drops a re-sent entry as a duplicate', async () => {
    await pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait });
    const late = { ...gcpFixtureEntries()[0]!, insertId: 'late-arrival-1', timestamp: '2026-01-10T12:00:00.500Z', receiveTimestamp: '2026-01-10T13:20:00.250Z' };
    const resent = { ...gcpFixtureEntries()[1]!, receiveTimestamp: '2026-01-10T13:21:00Z' };
    server.addEntries([late, resent]);
    harness.clock.set('2026-01-10T13:30:00Z');
    const counts = await pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait });
    expect(counts).toMatchObject({ published: 1, duplicates: 1 });
    expect((await harness.kmsEvents()).some((event) => event.eventId.endsWith('#late-arrival-1'))).toBe(true);
  });

  it('dead-letters an entry whose AuditLog bytes do not decode, with the bytes, and publishes the rest of the page', async () => {
    server.corruptPayloadOf('1n0f4qe2k8ac');
    const counts = await pollApiSource(source(), harness.deps, { untilCaughtUp: true, wait: noWait });
    const letters = await harness.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ code: 'INGEST_GCP_PAYLOAD_UNDECODABLE', rawBase64: Buffer.from([0x42, 0x7f, 0x44]).toString('base64'), details: { insertId: '1n0f4qe2k8ac' } });
    expect(counts).toMatchObject({ deadLettered: 1, published: expectedFromFiles().size - 1 });
  });

  it('builds its own client from the configuration alone', async () => {
    const configured = createGcpLoggingSource({ projectId: PROJECT, apiEndpoint: '127.0.0.1', port: server.port, plaintext: true, startTime: '2026-01-10T11:30:00Z' }, { clock: harness.clock });
    const counts = await pollApiSource(configured, harness.deps, { untilCaughtUp: true, wait: noWait });
    expect(counts.published).toBe(expectedFromFiles().size);
    expect(server.requests[0]!.pageSize).toBe(1000);
  });

  it('reports a stored cursor it cannot parse with a code instead of starting over', async () => {
    await expect(source().fetchPage('not json')).rejects.toBeInstanceOf(KeytrailError);
    await expect(source().fetchPage('{"v":2}')).rejects.toMatchObject({ code: 'INGEST_CURSOR_INVALID' });
  });
});
