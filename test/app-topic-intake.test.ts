import { describe, expect, it } from 'vitest';
import type { Bus } from '../src/core/ports.ts';
import { IngestedAppEvent } from '../src/core/schemas/app-event.ts';
import { createAppTopicIntake } from '../src/ingest/app/topic-intake.ts';
import { APP_EVENTS_FILE, readLines } from './helpers/fixtures.ts';
import { openIngestEnv, readDeadLetters, readTopic } from './helpers/ingest-env.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const events = readLines(APP_EVENTS_FILE);
const USER_TOPIC = 'acme.encryption-events';

describe('app event topic intake (embedded bus)', () => {
  it('ingests events applications published to their own topic, one per message, as arrays or as NDJSON', async () => {
    const env = openIngestEnv(tempDir());
    try {
      const message = (value: string) => ({ key: 'orders-api', value: Buffer.from(value) });
      await env.bus.publish(USER_TOPIC, [
        message(events[0]!),
        message(`[${events[1]},${events[2]}]`),
        message(`${events[3]}\n${events[4]}\n`),
        message('{"eventId":"broken'),
        message(JSON.stringify({ eventId: 'e-no-app', time: '2026-01-10T12:00:00Z' })),
        message(events[0]!),
        message(''),
      ]);
      const intake = createAppTopicIntake({ topic: USER_TOPIC }, env);
      await intake.run({ untilIdle: true });
      expect(intake.counts).toMatchObject({ read: 9, published: 5, duplicates: 1, deadLettered: 3 });
      const published = (await readTopic(env.bus, env.topics.appEvents)).map((entry) => IngestedAppEvent.parse(JSON.parse(entry.value.toString())));
      expect(published.map((event) => event.event.eventId)).toEqual(events.slice(0, 5).map((line) => (JSON.parse(line) as { eventId: string }).eventId));
      expect(published[0]!.source).toBe(`topic:${USER_TOPIC}`);
      const letters = await readDeadLetters(env);
      expect(letters.map((letter) => [letter.code, letter.position])).toEqual([
        ['INGEST_LINE_NOT_JSON', `topic:${USER_TOPIC}/0@3:1`],
        ['INGEST_APP_EVENT_INVALID', `topic:${USER_TOPIC}/0@4#0`],
        ['INGEST_APP_EVENT_INVALID', `topic:${USER_TOPIC}/0@6`],
      ]);
      // Committed offsets: a second run finds nothing new.
      const again = createAppTopicIntake({ topic: USER_TOPIC }, env);
      await again.run({ untilIdle: true });
      expect(again.counts.read).toBe(0);
    } finally {
      await env.close();
    }
  });

  it('redelivers a batch whose events were not durable, without losing or duplicating any', async () => {
    const directory = tempDir();
    const env = openIngestEnv(directory);
    try {
      await env.bus.publish(USER_TOPIC, events.slice(0, 6).map((value) => ({ key: 'k', value: Buffer.from(value) })));
      let fail = true;
      const failingOnce: Bus = {
        ...env.bus,
        publish: async (topic, messages) => {
          if (fail && topic === env.topics.appEvents) {
            fail = false;
            throw new Error('broker went away');
          }
          return env.bus.publish(topic, messages);
        },
      };
      const first = createAppTopicIntake({ topic: USER_TOPIC, maxBatchMessages: 4 }, { ...env, bus: failingOnce, source: env.bus });
      await expect(first.run({ untilIdle: true })).rejects.toThrow('broker went away');
      const second = createAppTopicIntake({ topic: USER_TOPIC, maxBatchMessages: 4 }, env);
      await second.run({ untilIdle: true });
      expect(second.counts).toMatchObject({ read: 6, published: 6, duplicates: 0 });
      expect(await readTopic(env.bus, env.topics.appEvents)).toHaveLength(6);
    } finally {
      await env.close();
    }
  });
});
