import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createSqliteBus } from '../bus/sqlite-bus.ts';
import type { Bus, Clock } from '../core/ports.ts';
import { appEvent, createHarness, kmsEvent, T0, type Harness } from '../../test/helpers/correlate-harness.ts';
import { useTempDirs } from '../../test/helpers/temp-dir.ts';

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
});
