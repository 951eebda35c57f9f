import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalBytes } from '../src/core/canonical-json.ts';
import { KeytrailError } from '../src/core/errors.ts';
import { sha256Hex } from '../src/core/hash.ts';
import type { Bus } from '../src/core/ports.ts';
import { pollApiSource } from '../src/ingest/api-poller.ts';
import type { AwsLookupConfig } from '../src/ingest/aws/config.ts';
import { createCloudTrailLookupSource } from '../src/ingest/aws/lookup-source.ts';
import { AWS_FILES, FIXTURES, loadCloudTrailRecords, type CloudTrailFixtureRecord } from './helpers/fixtures.ts';
import { createTestClock, openIngestEnv, readDeadLetters, readKmsEvents, type IngestEnv } from './helpers/ingest-env.ts';
import { useTempDirs } from './helpers/temp-dir.ts';
import { startCloudTrailServer, type CloudTrailServer } from './servers/cloudtrail.ts';

const tempDir = useTempDirs();
const NO_RETRY = { baseDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 1 };

/** The KMS records of account 111122223333, once per eventID, as CloudTrail holds them. */
function accountRecords(): CloudTrailFixtureRecord[] {
  const byId = new Map<string, CloudTrailFixtureRecord>();
  for (const record of [...loadCloudTrailRecords(AWS_FILES.dataPlane), ...loadCloudTrailRecords(AWS_FILES.lifecycle)]) {
    if (record.eventSource === 'kms.amazonaws.com') byId.set(record.eventID, record);
  }
  return [...byId.values()];
}

describe('CloudTrail LookupEvents through @aws-sdk/client-cloudtrail', () => {
  let server: CloudTrailServer;
  let directory: string;
  let clock: ReturnType<typeof createTestClock>;
  const envs: IngestEnv[] = [];
  const limiterWaits: number[] = [];
  const backoffWaits: number[] = [];

  beforeEach(async () => {
    server = await startCloudTrailServer();
    directory = tempDir();
    clock = createTestClock('2026-01-10T12:31:00.000Z');
    limiterWaits.length = 0;
    backoffWaits.length = 0;
    process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  });
  afterEach(async () => {
    for (const env of envs.splice(0)) await env.close();
    await server.close();
  });

  /** A fresh process: new state and bus handles on the same data directory, a new SDK client. */
  function start(options: { config?: Partial<AwsLookupConfig>; bus?: (bus: Bus) => Bus } = {}) {
    const env = openIngestEnv(directory, clock);
    envs.push(env);
    const source = createCloudTrailLookupSource(
      { region: 'eu-west-1', endpoint: server.endpoint, maxResults: 5, ...options.config },
      {
        clock,
        wait: async (ms) => {
          limiterWaits.push(ms);
          clock.advance(ms);
        },
      },
    );
    const deps = { ...env, bus: options.bus?.(env.bus) ?? env.bus };
    const poll = (retry = { baseDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 6 }) =>
      pollApiSource(source, deps, {
        untilCaughtUp: true,
        retry,
        wait: async (ms) => {
          backoffWaits.push(ms);
          clock.advance(ms);
        },
      });
    return { env, source, poll };
  }

  it('reads every KMS event page by page with one window, 2 requests per second, and the same hash as the log files', async () => {
    const records = accountRecords();
    server.deliver(records.map((record) => ({ record })));
    const { env, poll } = start();
    const counts = await poll();
    expect(counts).toMatchObject({ read: records.length, published: records.length, duplicates: 0, deadLettered: 0 });
    const pages = Math.ceil(records.length / 5);
    expect(server.requests).toHaveLength(pages);
    expect(new Set(server.requests.map((request) => `${request.startTime}/${request.endTime}`)).size).toBe(1);
    expect(server.requests[0]).toMatchObject({ startTime: Date.parse('2026-01-10T11:31:00Z') / 1000, endTime: Date.parse('2026-01-10T12:31:00Z') / 1000, nextToken: undefined });
    expect(server.requests.slice(1).every((request) => request.nextToken !== undefined)).toBe(true);
    expect(server.requests[0]!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/cloudtrail\/aws4_request/);
    expect(limiterWaits).toEqual(Array.from({ length: pages - 1 }, () => 500));
    const events = await readKmsEvents(env);
    const hashes = new Map(records.map((record) => [record.eventID, sha256Hex(canonicalBytes(record))]));
    expect(events.map((event) => [event.eventId, event.rawSha256]).sort()).toEqual([...hashes].sort());
    expect(JSON.parse(env.state.cursor('aws-lookup:eu-west-1')!)).toMatchObject({ windowEnd: '2026-01-10T12:31:00.000Z', nextToken: null });
  });

  it('reads a recorded LookupEvents page, after a recorded throttling answer, and follows its NextToken', async () => {
    const page = readFileSync(join(FIXTURES, 'aws', 'lookup-events-page.json'), 'utf8');
    const recorded = JSON.parse(page) as { Events: { CloudTrailEvent: string }[]; NextToken: string };
    server.replayNext(400, readFileSync(join(FIXTURES, 'aws', 'lookup-events-throttled.json'), 'utf8'));
    server.replayNext(200, page);
    server.replayNext(200, '{"Events":[]}');
    const { env, poll } = start();
    const counts = await poll();
    expect(counts).toMatchObject({ read: recorded.Events.length, published: recorded.Events.length });
    expect(backoffWaits).toEqual([500]);
    expect(server.requests.map((request) => request.nextToken)).toEqual([undefined, undefined, recorded.NextToken]);
    const hashes = recorded.Events.map((event) => sha256Hex(canonicalBytes(JSON.parse(event.CloudTrailEvent))));
    expect((await readKmsEvents(env)).map((event) => event.rawSha256)).toEqual(hashes);
  });

  it('backs off on ThrottlingException and then reads everything', async () => {
    const records = accountRecords();
    server.deliver(records.map((record) => ({ record })));
    server.failRequest(2, 'throttle');
    server.failRequest(3, 'throttle');
    const { env, poll } = start();
    const counts = await poll();
    expect(counts.published).toBe(records.length);
    expect(backoffWaits).toEqual([500, 1000]);
    expect(server.requests.filter((request) => request.status === 400)).toHaveLength(2);
    // The throttled requests are retried with the same NextToken.
    expect(server.requests[2]!.nextToken).toBe(server.requests[1]!.nextToken);
    expect(server.requests[3]!.nextToken).toBe(server.requests[1]!.nextToken);
    expect(await readKmsEvents(env)).toHaveLength(records.length);
  });

  it('never gives up with maxAttempts 0: twelve throttled answers in a row, waits capped at maxDelayMs', async () => {
    const records = accountRecords();
    server.deliver(records.map((record) => ({ record })));
    server.failNext('throttle', 12);
    const { env, poll } = start();
    const counts = await poll({ baseDelayMs: 500, maxDelayMs: 8000, maxAttempts: 0 });
    expect(counts.published).toBe(records.length);
    expect(backoffWaits).toEqual([500, 1000, 2000, 4000, ...Array.from({ length: 8 }, () => 8000)]);
    expect(await readKmsEvents(env)).toHaveLength(records.length);
  });

  it('stops on an error page mid-way and resumes from the stored cursor without loss or duplication', async () => {
    const records = accountRecords();
    server.deliver(records.map((record) => ({ record })));
    server.failRequest(3, 'server-error');
    const first = start();
    const error = await first.poll(NO_RETRY).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeytrailError);
    expect((error as KeytrailError).code).toBe('INGEST_AWS_API_FAILED');
    expect((await readKmsEvents(first.env)).length).toBe(10);
    const second = start();
    const counts = await second.poll(NO_RETRY);
    expect(counts).toMatchObject({ published: records.length - 10, duplicates: 0 });
    expect(server.requests[3]!.nextToken).toBe(server.requests[2]!.nextToken);
    const events = await readKmsEvents(second.env);
    expect(events.map((event) => event.eventId).sort()).toEqual(records.map((record) => record.eventID).sort());
  });

  it('restarts after the bus failed to acknowledge a page: the page is read again, nothing is lost or published twice', async () => {
    const records = accountRecords();
    server.deliver(records.map((record) => ({ record })));
    let publishes = 0;
    const failing = (bus: Bus): Bus => ({
      ...bus,
      publish: async (topic, messages) => {
        if (messages.length > 0 && ++publishes === 3) throw new Error('broker went away');
        return bus.publish(topic, messages);
      },
    });
    const first = start({ bus: failing });
    await expect(first.poll(NO_RETRY)).rejects.toThrow('broker went away');
    const second = start();
    const counts = await second.poll(NO_RETRY);
    expect(counts).toMatchObject({ published: records.length - 10, duplicates: 0 });
    const events = await readKmsEvents(second.env);
    expect(events).toHaveLength(records.length);
    expect(new Set(events.map((event) => event.eventId)).size).toBe(records.length);
  });

  it('reads an event CloudTrail delivers 10 minutes late in the next, overlapping window and drops the overlap as duplicates', async () => {
    const records = accountRecords();
    server.deliver(records.map((record) => ({ record })));
    const first = start();
    await first.poll();
    const template = records.find((record) => record.eventName === 'Decrypt')!;
    const late = { ...template, eventID: '3f1d7a52-5b0e-4c8e-9d61-2a7c0f4b8e19', requestID: '9c1e5a77-0d2b-4f3a-8e6c-5b4d3a2f1e0d', eventTime: '2026-01-10T12:29:30Z' };
    clock.set('2026-01-10T12:40:00.000Z');
    server.deliver([{ record: late }]);
    const second = start();
    const counts = await second.poll();
    expect(counts.published).toBe(1);
    expect(counts.duplicates).toBe(records.filter((record) => Date.parse(record.eventTime) >= Date.parse('2026-01-10T12:11:00Z')).length);
    expect(server.requests.at(-1)).toMatchObject({ startTime: Date.parse('2026-01-10T12:11:00Z') / 1000, endTime: Date.parse('2026-01-10T12:40:00Z') / 1000 });
    const events = await readKmsEvents(second.env);
    expect(events.map((event) => event.eventId)).toContain(late.eventID);
    expect(events).toHaveLength(records.length + 1);
  });

  it('reads a window again from its newest page when CloudTrail no longer accepts the stored NextToken', async () => {
    const records = accountRecords();
    server.deliver(records.map((record) => ({ record })));
    const first = start();
    first.env.state.commit(
      {
        namespace: 'aws',
        keys: [],
        cursor: { source: 'aws-lookup:eu-west-1', value: JSON.stringify({ v: 1, windowStart: '2026-01-10T11:31:00.000Z', windowEnd: '2026-01-10T12:31:00.000Z', nextToken: 'expired', page: 3, capped: false }) },
      },
      0,
    );
    const counts = await first.poll();
    expect(counts.published).toBe(records.length);
    expect(server.requests[0]).toMatchObject({ status: 400, nextToken: 'expired' });
    expect(server.requests[1]).toMatchObject({ status: 200, nextToken: undefined });
  });

  it('stops at once with the AWS error name when CloudTrail rejects the credentials', async () => {
    server.failNext('access-denied');
    const { poll } = start();
    const error = (await poll().catch((caught: unknown) => caught)) as KeytrailError;
    expect(error).toBeInstanceOf(KeytrailError);
    expect({ code: error.code, awsError: error.details.awsError }).toEqual({ code: 'INGEST_AWS_API_REJECTED', awsError: 'AccessDeniedException' });
    expect(backoffWaits).toEqual([]);
  });

  it('dead-letters a CloudTrailEvent that is not JSON, with the string as raw bytes', async () => {
    const [record] = accountRecords();
    server.deliver([{ record: record! }, { record: { ...record!, eventID: 'b7a3c1d9-2e4f-4a6b-8c0d-1e2f3a4b5c6d' }, text: '{"eventVersion":"1.11","truncat' }]);
    const { env, poll } = start();
    const counts = await poll();
    expect(counts).toMatchObject({ read: 2, published: 1, deadLettered: 1, deadLetterCodes: { INGEST_AWS_EVENT_NOT_JSON: 1 } });
    const [letter] = await readDeadLetters(env);
    expect(Buffer.from(letter!.rawBase64, 'base64').toString('utf8')).toBe('{"eventVersion":"1.11","truncat');
  });

  it('rejects a stored cursor it cannot parse instead of guessing where to resume', async () => {
    const { env, poll } = start();
    env.state.commit({ namespace: 'aws', keys: [], cursor: { source: 'aws-lookup:eu-west-1', value: 'not a cursor' } }, 0);
    await expect(poll()).rejects.toMatchObject({ code: 'INGEST_CURSOR_INVALID' });
  });
});
