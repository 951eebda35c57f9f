import { appendFileSync, copyFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeytrailError } from '../src/core/errors.ts';
import type { SourceRetry } from '../src/ingest/retry-policy.ts';
import { createVaultFileFollower, type VaultFileFollower } from '../src/ingest/vault/follower.ts';
import { loadVaultEntries, readLines, VAULT_FILES } from './helpers/fixtures.ts';
import { createTestClock, openIngestEnv, readDeadLetters, readKmsEvents, type IngestEnv } from './helpers/ingest-env.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

/** The fixture's transit requests as [request line, response line] pairs, in file order. */
function transitPairs(): { id: string; request: string; response: string }[] {
  const lines = readLines(VAULT_FILES.hmac);
  const entries = loadVaultEntries(VAULT_FILES.hmac);
  const pairs = new Map<string, { id: string; request?: string; response?: string }>();
  entries.forEach((entry, index) => {
    if (entry.request.mount_type !== 'transit') return;
    const pair = pairs.get(entry.request.id) ?? { id: entry.request.id };
    pair[entry.type] = `${lines[index]}\n`;
    pairs.set(entry.request.id, pair);
  });
  return [...pairs.values()].filter((pair): pair is { id: string; request: string; response: string } => pair.request !== undefined && pair.response !== undefined);
}

describe('Vault file audit device follower', () => {
  const pairs = transitPairs();
  const opened: { env: IngestEnv; follower: VaultFileFollower }[] = [];
  afterEach(async () => {
    for (const { env, follower } of opened.splice(0)) {
      await follower.close();
      await env.close();
    }
  });

  function start(directory: string, clock = createTestClock(), options: { startAt?: 'beginning' | 'end'; pairTimeoutMs?: number } = {}) {
    const env = openIngestEnv(directory, clock);
    const follower = createVaultFileFollower({ path: join(directory, 'audit.log'), pollIntervalMs: 10, ...options }, env);
    opened.push({ env, follower });
    return { env, follower, clock };
  }

  const ids = async (env: IngestEnv): Promise<string[]> => (await readKmsEvents(env)).map((event) => event.eventId);

  it('follows appended lines and publishes a line only once it is finished', async () => {
    const directory = tempDir();
    const path = join(directory, 'audit.log');
    writeFileSync(path, pairs[0]!.request + pairs[0]!.response);
    const { env, follower } = start(directory);
    await follower.pollOnce();
    expect(await ids(env)).toEqual([pairs[0]!.id]);
    const half = Math.floor(pairs[1]!.request.length / 2);
    appendFileSync(path, pairs[1]!.request.slice(0, half));
    await follower.pollOnce();
    expect(follower.status().parked).toBe(0);
    appendFileSync(path, pairs[1]!.request.slice(half) + pairs[1]!.response);
    await follower.pollOnce();
    expect(await ids(env)).toEqual([pairs[0]!.id, pairs[1]!.id]);
    expect(follower.counts).toMatchObject({ read: 4, published: 2, merged: 2, deadLettered: 0 });
  });

  it('survives rotation by rename, reading what was still written to the old file before the new one', async () => {
    const directory = tempDir();
    const path = join(directory, 'audit.log');
    writeFileSync(path, pairs[0]!.request + pairs[0]!.response + pairs[1]!.request);
    const { env, follower } = start(directory);
    await follower.pollOnce();
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, pairs[2]!.request + pairs[2]!.response);
    writeFileSync(path, pairs[1]!.response + pairs[3]!.request + pairs[3]!.response);
    await follower.pollOnce();
    expect((await ids(env)).sort()).toEqual([pairs[0]!.id, pairs[1]!.id, pairs[2]!.id, pairs[3]!.id].sort());
    expect(follower.counts).toMatchObject({ published: 4, merged: 4, duplicates: 0, deadLettered: 0 });
    expect(follower.status().file).toBe(path);
  });

  it('survives copytruncate: starts the emptied file again from its first line', async () => {
    const directory = tempDir();
    const path = join(directory, 'audit.log');
    writeFileSync(path, pairs[0]!.request + pairs[0]!.response);
    const { env, follower } = start(directory);
    await follower.pollOnce();
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    appendFileSync(path, pairs[1]!.request + pairs[1]!.response);
    await follower.pollOnce();
    expect(await ids(env)).toEqual([pairs[0]!.id, pairs[1]!.id]);
    expect(follower.status().truncations).toBe(1);
  });

  it('notices a file truncated and written past the old offset before the next poll, by its first bytes', async () => {
    const directory = tempDir();
    const path = join(directory, 'audit.log');
    writeFileSync(path, pairs[0]!.request + pairs[0]!.response);
    const { env, follower } = start(directory);
    await follower.pollOnce();
    writeFileSync(path, pairs[1]!.request + pairs[1]!.response + pairs[2]!.request + pairs[2]!.response);
    await follower.pollOnce();
    expect(await ids(env)).toEqual([pairs[0]!.id, pairs[1]!.id, pairs[2]!.id]);
    expect(follower.status().truncations).toBe(1);
  });

  it('resumes after a restart from the stored inode and offset, and pairs a response with the request parked before the restart', async () => {
    const directory = tempDir();
    const path = join(directory, 'audit.log');
    writeFileSync(path, pairs[0]!.request + pairs[0]!.response + pairs[1]!.request);
    const first = start(directory);
    await first.follower.pollOnce();
    expect(first.follower.status().parked).toBe(1);
    expect(first.follower.counts).toMatchObject({ read: 2, published: 1 });
    await first.follower.close();
    await first.env.close();
    opened.length = 0;
    appendFileSync(path, pairs[1]!.response + pairs[2]!.request + pairs[2]!.response);
    const second = start(directory);
    await second.follower.pollOnce();
    // The request parked by the first run is counted by the run that publishes it.
    expect(second.follower.counts).toMatchObject({ read: 4, published: 2, merged: 2, duplicates: 0 });
    const events = await readKmsEvents(second.env);
    expect(events.map((event) => event.eventId)).toEqual([pairs[0]!.id, pairs[1]!.id, pairs[2]!.id]);
    expect(events[1]!.attributes?.entryType).toBe('response');
  });

  it('resumes after a restart into the file rotated away meanwhile, then reads the new one', async () => {
    const directory = tempDir();
    const path = join(directory, 'audit.log');
    writeFileSync(path, pairs[0]!.request + pairs[0]!.response);
    const first = start(directory);
    await first.follower.pollOnce();
    await first.follower.close();
    await first.env.close();
    opened.length = 0;
    appendFileSync(path, pairs[1]!.request + pairs[1]!.response);
    renameSync(path, `${path}-20260110`);
    writeFileSync(path, pairs[2]!.request + pairs[2]!.response);
    const second = start(directory);
    await second.follower.pollOnce();
    expect(await ids(second.env)).toEqual([pairs[0]!.id, pairs[1]!.id, pairs[2]!.id]);
    expect(second.follower.counts.duplicates).toBe(0);
  });

  it('counts a rotated file that was deleted before it was read to the end, and reads the new file', async () => {
    const directory = tempDir();
    const path = join(directory, 'audit.log');
    writeFileSync(path, pairs[0]!.request + pairs[0]!.response);
    const first = start(directory);
    await first.follower.pollOnce();
    await first.follower.close();
    await first.env.close();
    opened.length = 0;
    // The new file exists before the old one is deleted, so it cannot reuse the old inode.
    writeFileSync(`${path}.new`, pairs[1]!.request + pairs[1]!.response);
    rmSync(path);
    renameSync(`${path}.new`, path);
    const second = start(directory);
    await second.follower.pollOnce();
    expect(second.follower.status().rotatedAway).toBe(1);
    expect(await ids(second.env)).toEqual([pairs[0]!.id, pairs[1]!.id]);
  });

  it('reads a file that replaced a deleted one from its start, whether or not it got the old inode back', async () => {
    const directory = tempDir();
    const path = join(directory, 'audit.log');
    writeFileSync(path, pairs[0]!.request + pairs[0]!.response);
    const first = start(directory);
    await first.follower.pollOnce();
    await first.follower.close();
    await first.env.close();
    opened.length = 0;
    rmSync(path);
    writeFileSync(path, pairs[1]!.request + pairs[1]!.response);
    const second = start(directory);
    await second.follower.pollOnce();
    const { rotatedAway, truncations } = second.follower.status();
    expect(rotatedAway + truncations).toBe(1);
    expect(await ids(second.env)).toEqual([pairs[0]!.id, pairs[1]!.id]);
  });

  it('publishes a request alone after pairTimeoutMs and drops its late response as a duplicate', async () => {
    const directory = tempDir();
    const path = join(directory, 'audit.log');
    writeFileSync(path, pairs[0]!.request);
    const { env, follower, clock } = start(directory, createTestClock(), { pairTimeoutMs: 5_000 });
    await follower.pollOnce();
    expect(await ids(env)).toEqual([]);
    clock.advance(5_000);
    await follower.pollOnce();
    const [event] = await readKmsEvents(env);
    expect({ id: event!.eventId, outcome: event!.outcome }).toEqual({ id: pairs[0]!.id, outcome: 'unknown' });
    appendFileSync(path, pairs[0]!.response);
    await follower.pollOnce();
    expect(follower.counts).toMatchObject({ read: 2, published: 1, duplicates: 1 });
  });

  it('starts at the end of a file it has never read when startAt is end', async () => {
    const directory = tempDir();
    const path = join(directory, 'audit.log');
    writeFileSync(path, pairs[0]!.request + pairs[0]!.response);
    const { env, follower } = start(directory, createTestClock(), { startAt: 'end' });
    await follower.pollOnce();
    appendFileSync(path, pairs[1]!.request + pairs[1]!.response);
    await follower.pollOnce();
    expect(await ids(env)).toEqual([pairs[1]!.id]);
  });

  it('dead-letters a line left unfinished at the end of a rotated file', async () => {
    const directory = tempDir();
    const path = join(directory, 'audit.log');
    writeFileSync(path, pairs[0]!.request + pairs[0]!.response + pairs[1]!.request.slice(0, 40));
    const { env, follower } = start(directory);
    await follower.pollOnce();
    renameSync(path, `${path}.1`);
    writeFileSync(path, pairs[2]!.request + pairs[2]!.response);
    await follower.pollOnce();
    const letters = await readDeadLetters(env);
    expect(letters.map((letter) => [letter.code, Buffer.from(letter.rawBase64, 'base64').toString()])).toEqual([['INGEST_VAULT_LINE_TRUNCATED', pairs[1]!.request.slice(0, 40)]]);
    expect(await ids(env)).toEqual([pairs[0]!.id, pairs[2]!.id]);
  });

  it('polls on its own until aborted', async () => {
    const directory = tempDir();
    const path = join(directory, 'audit.log');
    writeFileSync(path, pairs[0]!.request + pairs[0]!.response);
    const { follower } = start(directory);
    const controller = new AbortController();
    const running = follower.run({ signal: controller.signal });
    await expect.poll(() => follower.counts.published, { timeout: 5_000, interval: 5 }).toBe(1);
    controller.abort();
    await running;
  });

  it('retries a batch the bus refused with its retry policy, reporting each retry, then gives up after maxAttempts', async () => {
    const directory = tempDir();
    writeFileSync(join(directory, 'audit.log'), pairs[0]!.request + pairs[0]!.response);
    const env = openIngestEnv(directory);
    let refusals = 2;
    const flaky = {
      ...env,
      bus: {
        ...env.bus,
        publish: async (topic: string, messages: Parameters<typeof env.bus.publish>[1]) => {
          if (refusals-- > 0) throw new KeytrailError('BUS_KAFKA_UNAVAILABLE', 'the broker went away');
          await env.bus.publish(topic, messages);
        },
      },
    };
    const retries: SourceRetry[] = [];
    const waits: number[] = [];
    const follower = createVaultFileFollower(
      { path: join(directory, 'audit.log'), pollIntervalMs: 10, retry: { baseDelayMs: 100, maxDelayMs: 150, maxAttempts: 3 } },
      { ...flaky, wait: async (ms) => void waits.push(ms), onRetry: (retry) => retries.push(retry) },
    );
    opened.push({ env, follower });
    const controller = new AbortController();
    const running = follower.run({ signal: controller.signal });
    await expect.poll(() => follower.counts.published, { timeout: 5_000, interval: 5 }).toBe(1);
    controller.abort();
    await running;
    expect(retries.map(({ source, error, failures, delayMs }) => ({ source, code: error.code, failures, delayMs }))).toEqual([
      { source: `vault-file:${join(directory, 'audit.log')}`, code: 'BUS_KAFKA_UNAVAILABLE', failures: 1, delayMs: 100 },
      { source: `vault-file:${join(directory, 'audit.log')}`, code: 'BUS_KAFKA_UNAVAILABLE', failures: 2, delayMs: 150 },
    ]);
    expect(waits.slice(0, 2)).toEqual([100, 150]);
    expect(await ids(env)).toEqual([pairs[0]!.id]);

    // Three refusals in a row exhaust maxAttempts 3: the follower stops with the bus's error.
    appendFileSync(join(directory, 'audit.log'), pairs[1]!.request + pairs[1]!.response);
    refusals = 3;
    await expect(follower.run({ signal: new AbortController().signal })).rejects.toMatchObject({ code: 'BUS_KAFKA_UNAVAILABLE' });
    expect(retries).toHaveLength(4);
  });
});
