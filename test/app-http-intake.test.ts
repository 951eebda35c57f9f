import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IngestedAppEvent } from '../src/core/schemas/app-event.ts';
import type { Bus } from '../src/core/ports.ts';
import { createAppHttpIntake, type AppHttpIntake } from '../src/ingest/app/http-intake.ts';
import { APP_EVENTS_FILE, readLines } from './helpers/fixtures.ts';
import { openIngestEnv, readDeadLetters, readTopic, type IngestEnv } from './helpers/ingest-env.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const TOKEN = 'kt-test-7d1f0c2e9a8b4c6d';
const events = readLines(APP_EVENTS_FILE);

describe('app event HTTP intake (POST /v1/app-events)', () => {
  const opened: { env: IngestEnv; intake: AppHttpIntake }[] = [];
  afterEach(async () => {
    for (const { env, intake } of opened.splice(0)) {
      await intake.close();
      await env.close();
    }
  });

  async function start(options: { bus?: (bus: Bus) => Bus; maxBodyBytes?: number } = {}) {
    const env = openIngestEnv(tempDir());
    const intake = createAppHttpIntake(
      { host: '127.0.0.1', port: 0, token: { env: 'KEYTRAIL_TEST_APP_TOKEN' }, maxBodyBytes: options.maxBodyBytes },
      { ...env, bus: options.bus?.(env.bus) ?? env.bus, env: { KEYTRAIL_TEST_APP_TOKEN: TOKEN } },
    );
    opened.push({ env, intake });
    const { port } = await intake.listen();
    const url = `http://127.0.0.1:${port}/v1/app-events`;
    const post = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', body, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson', ...headers }, duplex: 'half' } as RequestInit);
    return { env, intake, url, post };
  }

  const appEvents = async (env: IngestEnv) => (await readTopic(env.bus, env.topics.appEvents)).map((message) => IngestedAppEvent.parse(JSON.parse(message.value.toString())));

  it('refuses a request without the bearer token, or with another one, and publishes nothing', async () => {
    const { env, url, post } = await start();
    const missing = await fetch(url, { method: 'POST', body: events[0] });
    const wrong = await post(events[0]!, { authorization: 'Bearer not-the-token' });
    for (const response of [missing, wrong]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="keytrail"');
      expect(await response.json()).toMatchObject({ code: 'INGEST_APP_UNAUTHORIZED' });
    }
    expect(await appEvents(env)).toEqual([]);
  });

  it('accepts an NDJSON body whole and says, line by line, that each event was published', async () => {
    const { env, post } = await start();
    const response = await post(`${events.slice(0, 3).join('\n')}\n`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { lines: { line: number; status: string; eventId: string }[] };
    const ids = events.slice(0, 3).map((line) => (JSON.parse(line) as { eventId: string }).eventId);
    expect(body).toMatchObject({ status: 'accepted', published: 3, duplicates: 0 });
    expect(body.lines).toEqual(ids.map((eventId, index) => ({ line: index + 1, status: 'published', eventId })));
    const published = await appEvents(env);
    expect(published.map((event) => event.event.eventId)).toEqual(ids);
    expect(published[0]!.source).toBe('http:/v1/app-events');
  });

  it('accepts a JSON array and a single JSON object, reporting items by index', async () => {
    const { post } = await start();
    const array = await post(`[${events[3]},${events[4]}]`, { 'content-type': 'application/json' });
    expect(await array.json()).toMatchObject({ status: 'accepted', lines: [{ index: 0, status: 'published' }, { index: 1, status: 'published' }] });
    const single = await post(events[5]!, { 'content-type': 'application/json' });
    expect(await single.json()).toMatchObject({ status: 'accepted', lines: [{ index: 0, status: 'published' }] });
  });

  it('rejects a body with bad lines whole: 400 lists each bad line with its problems, they go to dead-letter, nothing is published', async () => {
    const { env, post } = await start();
    const missingUser = JSON.stringify({ ...JSON.parse(events[0]!), eventId: 'e-bad-1', time: 'yesterday', provider: 'ibm' });
    const body = [events[1], missingUser, '{"eventId": "e-bad-2", "time"', events[2]].join('\n');
    const response = await post(body);
    expect(response.status).toBe(400);
    const report = (await response.json()) as { code: string; deadLettered: number; lines: { line: number; status: string; code?: string; problems?: { path: string }[] }[] };
    expect(report).toMatchObject({ code: 'INGEST_APP_BODY_INVALID', deadLettered: 2 });
    expect(report.lines.map((line) => [line.line, line.status, line.code])).toEqual([
      [1, 'not-accepted', undefined],
      [2, 'dead-lettered', 'INGEST_APP_EVENT_INVALID'],
      [3, 'dead-lettered', 'INGEST_LINE_NOT_JSON'],
      [4, 'not-accepted', undefined],
    ]);
    expect(report.lines[1]!.problems!.map((problem) => problem.path).sort()).toEqual(['provider', 'time']);
    expect(await appEvents(env)).toEqual([]);
    const letters = await readDeadLetters(env);
    expect(letters.map((letter) => [letter.position, Buffer.from(letter.rawBase64, 'base64').toString()])).toEqual([
      ['http:/v1/app-events:2', missingUser],
      ['http:/v1/app-events:3', '{"eventId": "e-bad-2", "time"'],
    ]);
  });

  it('reports events it already has as duplicates when a body is sent again, and publishes them once', async () => {
    const { env, post } = await start();
    await post(events.slice(0, 2).join('\n'));
    const again = await post(events.slice(0, 3).join('\n'));
    expect(await again.json()).toMatchObject({ status: 'accepted', published: 1, duplicates: 2, lines: [{ status: 'duplicate' }, { status: 'duplicate' }, { status: 'published' }] });
    expect(await appEvents(env)).toHaveLength(3);
  });

  it('refuses a body over maxBodyBytes with 413, by its Content-Length or while it streams', async () => {
    const { env, post } = await start({ maxBodyBytes: 2_000 });
    const large = events.join('\n');
    expect(Buffer.byteLength(large)).toBeGreaterThan(2_000);
    const declared = await post(large);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: 'INGEST_APP_BODY_TOO_LARGE', maxBodyBytes: 2_000 });
    const bytes = new TextEncoder().encode(large);
    const streamed = await post(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < bytes.length; offset += 500) controller.enqueue(bytes.subarray(offset, offset + 500));
          controller.close();
        },
      }),
    );
    expect(streamed.status).toBe(413);
    expect(await appEvents(env)).toEqual([]);
  });

  it('answers only once the accepted events are durable on the bus', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const publishing = new Promise<void>((resolve) => (entered = resolve));
    const gated = (bus: Bus): Bus => ({
      ...bus,
      publish: async (topic, messages) => {
        if (messages.length > 0) {
          entered();
          await gate;
        }
        return bus.publish(topic, messages);
      },
    });
    const { env, post } = await start({ bus: gated });
    let answered = false;
    const pending = post(events[0]!).then((response) => {
      answered = true;
      return response;
    });
    await publishing;
    expect(answered).toBe(false);
    release();
    expect((await pending).status).toBe(200);
    expect(await appEvents(env)).toHaveLength(1);
  });

  it('answers 503 when the bus cannot take the events, and accepts the same body once it can', async () => {
    let failing = true;
    const flaky = (bus: Bus): Bus => ({
      ...bus,
      publish: async (topic, messages) => {
        if (failing && messages.length > 0) throw Object.assign(new Error('broker not available'), { code: 'ECONNREFUSED' });
        return bus.publish(topic, messages);
      },
    });
    const { env, post } = await start({ bus: flaky });
    const refused = await post(events[0]!);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ status: 'rejected' });
    failing = false;
    expect((await post(events[0]!)).status).toBe(200);
    expect(await appEvents(env)).toHaveLength(1);
  });

  it('answers 404 elsewhere and 405 to other methods', async () => {
    const { url } = await start();
    expect((await fetch(url.replace('/v1/app-events', '/v1/other'), { method: 'POST' })).status).toBe(404);
    const get = await fetch(url);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('reads the token from a file, and refuses to start when the referenced secret is missing', async () => {
    const directory = tempDir();
    const tokenFile = join(directory, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const env = openIngestEnv(directory);
    const intake = createAppHttpIntake({ port: 0, token: { file: tokenFile } }, env);
    opened.push({ env, intake });
    const { port } = await intake.listen();
    const response = await fetch(`http://127.0.0.1:${port}/v1/app-events`, { method: 'POST', body: events[0], headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(() => createAppHttpIntake({ port: 0, token: { env: 'KEYTRAIL_TEST_UNSET_TOKEN' } }, { ...env, env: {} })).toThrow(
      expect.objectContaining({ code: 'INGEST_SECRET_UNREADABLE' }),
    );
  });
});
