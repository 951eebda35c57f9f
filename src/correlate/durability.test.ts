import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createSqliteBus } from '../bus/sqlite-bus.ts';
import { createTopicNames } from '../bus/topics.ts';
import type { Bus, Clock } from '../core/ports.ts';
import { appEvent, createHarness, kmsEvent, T0, type Harness } from '../../test/helpers/correlate-harness.ts';
import { useTempDirs } from '../../test/helpers/temp-dir.ts';
import { parseCorrelateConfig } from './config.ts';
import { createCorrelator, type StateGap } from './correlator.ts';
import { openJoinState } from './state.ts';

const tempDir = useTempDirs();
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

const CONFIG = { providers: { aws: { allowedLatenessMs: 60_000, joinWindowMs: 10_000 } }, appAllowedLatenessMs: 10_000, idleTimeoutMs: 60_000 };

function harness(config: object = CONFIG, bus?: Bus): Harness {
  const created = createHarness(tempDir(), config, bus === undefined ? {} : { bus });
  open.push(created);
  return created;
}

describe('correlator: state across restarts and crashes', () => {
  it('keeps an open window across a restart', async () => {
    const h = harness();
    const call = kmsEvent(0);
    await h.feed(call);
    h.restart();
    await h.feed(appEvent(0.3, { kmsRequestId: call.joinKeys.requestId }));
    expect((await h.records()).map((record) => `${record.kind}/${record.rule}`)).toEqual(['attributed/exact']);
  });

  it('publishes what a crashed batch committed, and skips its redelivered messages', async () => {
    const directory = tempDir();
    const inner = createSqliteBus({ path: join(directory, 'bus.db') });
    let failNextRecords = true;
    const flaky: Bus = {
      publish: async (topic, messages) => {
        if (topic === 'records' && failNextRecords) {
          failNextRecords = false;
          throw new Error('broker went away');
        }
        await inner.publish(topic, messages);
      },
      consume: (options) => inner.consume(options),
      close: () => inner.close(),
    };
    const h = createHarness(directory, CONFIG, { bus: flaky });
    open.push(h);
    const call = kmsEvent(0);
    await h.publish(call, appEvent(0.2, { kmsRequestId: call.joinKeys.requestId }));
    await expect(h.drain()).rejects.toThrow('broker went away');
    expect(await h.records()).toEqual([]);
    h.restart();
    await h.drain();
    const records = await h.records();
    expect(records.map((record) => `${record.kind}/${record.rule}`)).toEqual(['attributed/exact']);
    expect(h.correlator.counts).toMatchObject({ replayed: 2, records: 0, kmsEvents: 0 });
  });
});

describe('correlator: bounded windows', () => {
  it('advances a silent stream with the idle timer, so a quiet source cannot hold a window open', async () => {
    const h = harness();
    await h.feed(kmsEvent(0));
    await h.correlator.tick();
    expect(await h.records()).toEqual([]);
    h.clock.advance(60_000);
    await h.correlator.tick();
    expect((await h.records()).map((record) => `${record.kind}/${record.reason}`)).toEqual(['unattributed/window-closed']);
  });

  it('runs the idle timer in streaming mode until aborted', async () => {
    const directory = tempDir();
    const inner = createSqliteBus({ path: join(directory, 'bus.db'), pollIntervalMs: 5 });
    let recordPublished!: () => void;
    const published = new Promise<void>((resolve) => (recordPublished = resolve));
    const watching: Bus = {
      publish: async (topic, messages) => {
        await inner.publish(topic, messages);
        if (topic === 'records' && messages.length > 0) recordPublished();
      },
      consume: (options) => inner.consume(options),
      close: () => inner.close(),
    };
    const h = createHarness(directory, { ...CONFIG, tickIntervalMs: 5 }, { bus: watching });
    open.push(h);
    // Every reading of this clock is a minute later than the one before: each tick finds the streams idle.
    let wall = T0;
    const racing: Clock = { now: () => new Date((wall += 60_000)) };
    Object.assign(h.clock, racing);
    const stop = new AbortController();
    const running = h.correlator.run({ untilIdle: false, signal: stop.signal });
    await h.publish(kmsEvent(0));
    await published;
    stop.abort();
    await running;
    expect((await h.records()).map((record) => `${record.kind}/${record.reason}`)).toEqual(['unattributed/window-closed']);
  });

  it('closes the oldest window early with reason capacity, and corrects it when its partner comes', async () => {
    const h = harness({ ...CONFIG, maxOpenEvents: 2 });
    const oldest = kmsEvent(0);
    await h.feed(oldest, kmsEvent(1), kmsEvent(2));
    expect((await h.records()).map((record) => `${record.kind}/${record.reason} ${record.kmsEvent?.eventId}`)).toEqual([`unattributed/capacity ${oldest.eventId}`]);
    expect(h.correlator.counts.capacityClosed).toBe(1);
    await h.feed(appEvent(0.5, { kmsRequestId: oldest.joinKeys.requestId }));
    expect((await h.records()).map((record) => `${record.kind}/${record.reason ?? '-'}`)).toEqual(['unattributed/capacity', 'correction/late-partner']);
  });

  it('reports an offset gap when a correlator with another state file applied the messages in between', async () => {
    const h = harness();
    await h.feed(kmsEvent(0));
    const topics = createTopicNames();
    const other = openJoinState(join(tempDir(), 'correlate.db'));
    try {
      const seen: { a: StateGap[]; b: StateGap[] } = { a: [], b: [] };
      const correlatorOn = (state: typeof other, gaps: StateGap[]) => createCorrelator({ bus: h.bus, topics, state, clock: h.clock, config: parseCorrelateConfig(CONFIG), onStateGap: (gap) => gaps.push(gap) });
      // The partition moves to an instance with its own state: it starts at offset 1, never having seen 0.
      const b = correlatorOn(other, seen.b);
      await h.publish(kmsEvent(1));
      await b.run({ untilIdle: true });
      expect(seen.b).toEqual([{ topic: topics.kmsEvents, partition: 0, expected: null, received: '1' }]);
      // It moves back: the first state expected offset 1 and gets 2.
      const a = correlatorOn(h.state, seen.a);
      await h.publish(kmsEvent(2));
      await a.run({ untilIdle: true });
      await h.publish(kmsEvent(3));
      await a.run({ untilIdle: true });
      expect(seen.a).toEqual([{ topic: topics.kmsEvents, partition: 0, expected: '1', received: '2' }]);
      expect(a.counts).toMatchObject({ stateGaps: 1, kmsEvents: 2, replayed: 0 });
      expect(b.counts.stateGaps).toBe(1);
    } finally {
      other.close();
    }
  });

  it('sees no gap when instances share one state file, only replays', async () => {
    const h = harness();
    await h.feed(kmsEvent(0), kmsEvent(1));
    h.restart();
    await h.feed(kmsEvent(2));
    expect(h.correlator.counts).toMatchObject({ stateGaps: 0, kmsEvents: 1 });
  });
});
