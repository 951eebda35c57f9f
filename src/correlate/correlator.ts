import type { z } from 'zod';
import { canonicalBytes } from '../core/canonical-json.ts';
import { buildDeadLetter } from '../core/dead-letter.ts';
import { KeytrailError } from '../core/errors.ts';
import type { Bus, BusMessage, Clock, OutgoingMessage, TopicNames } from '../core/ports.ts';
import { HEADER_SCHEMA_VERSION } from '../core/ports.ts';
import { schemaError } from '../core/schema-error.ts';
import { IngestedAppEvent } from '../core/schemas/app-event.ts';
import { KmsEvent } from '../core/schemas/kms-event.ts';
import type { AttributedRecord, RecordKind } from '../core/schemas/record.ts';
import { parseCorrelateConfig, type CorrelateConfig } from './config.ts';
import { emptyJoinCounts, type JoinContext, type JoinCounts } from './context.ts';
import { joinAppEvent, joinKmsEvent } from './join.ts';
import { flushOutbox } from './publish.ts';
import { offsetKey, type JoinState } from './state.ts';
import { loadWatermarks } from './watermarks.ts';
import { closeAllWindows, sweepStream } from './windows.ts';

export const CORRELATE_GROUP = 'keytrail-correlate';

export interface CorrelatorDeps {
  bus: Bus;
  topics: TopicNames;
  state: JoinState;
  clock: Clock;
  config?: CorrelateConfig;
  /**
   * This instance's name in the state. Instances sharing one state file need distinct names; a restarted
   * instance keeps its name, so it publishes what it had committed but not yet published.
   */
  instanceId?: string;
  /** Told of every offset gap (see StateGap), after the batch that showed it is durable. */
  onStateGap?: (gap: StateGap) => void;
}

/**
 * A partition whose next message is past the offset this state expected: messages in between were applied
 * by a correlator with another state file (or removed by the topic's retention), so windows they opened are
 * not here. With one shared state, offsets only ever repeat (replays), never jump.
 */
export interface StateGap {
  topic: string;
  partition: number;
  /** The next offset this state expected; null when it has never seen the partition. */
  expected: string | null;
  received: string;
}

export interface CorrelatorCounts extends JoinCounts {
  kmsEvents: number;
  appEvents: number;
  records: number;
  deadLettered: number;
  kinds: Partial<Record<RecordKind, number>>;
  /** Offset gaps seen (StateGap): each means events this instance never saw may hold partners of its windows. */
  stateGaps: number;
}

export interface Correlator {
  readonly counts: CorrelatorCounts;
  /** Consumes both events topics until drained (backfill) or aborted (streaming, with the idle timer running). */
  run(options: { untilIdle: boolean; signal?: AbortSignal }): Promise<void>;
  /** The idle timer's step: streams silent for idleTimeoutMs advance, and the windows they close are emitted. */
  tick(): Promise<void>;
  /** End of input: every open window closes now (the --once mode). */
  closeAll(reason?: 'end-of-input'): Promise<void>;
}

/**
 * Reads kms.events and app.events, joins them, and publishes records. Each batch is one SQLite
 * transaction holding the state change, the consumed offsets and the produced messages (an outbox);
 * the messages are published after the commit and before the bus commits its offsets. A crash before
 * the commit replays the batch from scratch; a crash after it republishes the outbox (same record ids,
 * which the sealer drops) and skips the redelivered messages by their offsets.
 */
export function createCorrelator(deps: CorrelatorDeps): Correlator {
  const config = deps.config ?? parseCorrelateConfig({});
  const counts: CorrelatorCounts = { ...emptyJoinCounts(), kmsEvents: 0, appEvents: 0, records: 0, deadLettered: 0, kinds: {}, stateGaps: 0 };
  const latenessMs = (side: 'kms' | 'app', provider: KmsEvent['provider']): number =>
    side === 'app' ? config.appAllowedLatenessMs : config.providers[provider].allowedLatenessMs;
  const owner = deps.instanceId ?? 'correlator';
  let queue: Promise<unknown> = Promise.resolve();
  let recovered = false;

  /** Takes over the unpublished output of instances whose heartbeat is older than the lease, and publishes it. */
  async function recover(): Promise<void> {
    const wallMs = deps.clock.now().getTime();
    deps.state.transaction(() => {
      deps.state.outbox.takeOver(owner, wallMs - config.instanceLeaseMs);
      deps.state.outbox.heartbeat(owner, wallMs);
    });
    await flushOutbox(deps.bus, deps.state, owner);
  }

  /** Batches, ticks and closeAll of one instance run one at a time; the first starts with recover(). */
  function serially(work: () => Promise<void>): Promise<void> {
    const next = queue.then(async () => {
      if (!recovered) {
        await recover();
        recovered = true;
      }
      await work();
    });
    queue = next.catch(() => undefined);
    return next;
  }

  async function step(work: (ctx: JoinContext, deadLetters: { topic: string; message: OutgoingMessage }[]) => void): Promise<void> {
    const records: AttributedRecord[] = [];
    const deadLetters: { topic: string; message: OutgoingMessage }[] = [];
    deps.state.transaction(() => {
      const watermarks = loadWatermarks(deps.state, latenessMs);
      const ctx: JoinContext = {
        state: deps.state,
        config,
        watermarks,
        wallMs: deps.clock.now().getTime(),
        counts,
        pendingCount: deps.state.countPending(),
        emit: (record) => records.push(record),
      };
      work(ctx, deadLetters);
      watermarks.save();
      deps.state.outbox.heartbeat(owner, ctx.wallMs);
      for (const record of records) deps.state.outbox.append(owner, deps.topics.records, toMessage(record));
      for (const letter of deadLetters) deps.state.outbox.append(owner, letter.topic, letter.message);
    });
    if (records.length + deadLetters.length > 0) await flushOutbox(deps.bus, deps.state, owner);
    counts.records += records.length;
    counts.deadLettered += deadLetters.length;
    for (const record of records) counts.kinds[record.kind] = (counts.kinds[record.kind] ?? 0) + 1;
  }

  async function handleBatch(batch: readonly BusMessage[]): Promise<void> {
    const gaps: StateGap[] = [];
    await step((ctx, deadLetters) => {
      const offsets = deps.state.loadOffsets();
      const moved = new Map<string, { topic: string; partition: number; next: bigint }>();
      for (const message of batch) {
        const key = offsetKey(message.topic, message.partition);
        const offset = BigInt(message.offset);
        const expected = offsets.get(key);
        if (offset < (expected ?? 0n)) {
          counts.replayed += 1;
          continue;
        }
        if (offset > (expected ?? 0n)) gaps.push({ topic: message.topic, partition: message.partition, expected: expected === undefined ? null : String(expected), received: message.offset });
        const problem = applyMessage(ctx, message);
        if (problem !== undefined) {
          const letter = buildDeadLetter(problem, message.value, { stage: 'correlate', source: message.topic, position: `${message.partition}:${message.offset}` }, deps.clock.now());
          deadLetters.push({ topic: deps.topics.deadLetter, message: { key: message.key, value: Buffer.from(JSON.stringify(letter), 'utf8') } });
        }
        offsets.set(key, offset + 1n);
        moved.set(key, { topic: message.topic, partition: message.partition, next: offset + 1n });
      }
      for (const position of moved.values()) deps.state.saveOffset(position.topic, position.partition, position.next);
    });
    counts.stateGaps += gaps.length;
    for (const gap of gaps) deps.onStateGap?.(gap);
  }

  /** Returns the error to dead-letter the message with, if any. */
  function applyMessage(ctx: JoinContext, message: BusMessage): KeytrailError | undefined {
    try {
      const isKms = message.topic === deps.topics.kmsEvents;
      if (isKms) counts.kmsEvents += 1;
      else counts.appEvents += 1;
      const seen = isKms ? joinKmsEvent(ctx, parseMessage(KmsEvent, message), message.partition) : joinAppEvent(ctx, parseMessage(IngestedAppEvent, message), message.partition);
      if (seen === 'duplicate') counts.duplicates += 1;
      if (seen !== 'conflict') return undefined;
      counts.duplicateConflicts += 1;
      return new KeytrailError('CORRELATE_DUPLICATE_CONFLICT', `message ${message.partition}:${message.offset} on ${message.topic} repeats an event id seen before with different content`);
    } catch (error) {
      if (error instanceof KeytrailError && error.code === 'CORRELATE_MESSAGE_INVALID') return error;
      throw error;
    }
  }

  const tick = (): Promise<void> =>
    serially(async () => {
      await recover();
      await step((ctx) => {
        for (const moved of ctx.watermarks.advanceIdle(ctx.wallMs, config.idleTimeoutMs)) sweepStream(ctx, moved.stream);
      });
    });

  return {
    counts,
    async run(options) {
      const stop = new AbortController();
      const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
      let tickFailure: unknown;
      const timer = options.untilIdle
        ? undefined
        : setInterval(() => {
            tick().catch((error: unknown) => {
              tickFailure = error;
              stop.abort();
            });
          }, config.tickIntervalMs);
      try {
        await deps.bus.consume({
          group: CORRELATE_GROUP,
          topics: [deps.topics.kmsEvents, deps.topics.appEvents],
          untilIdle: options.untilIdle,
          signal,
          handleBatch: (batch) => serially(() => handleBatch(batch)),
        });
      } finally {
        clearInterval(timer);
        // A tick may still be running: let it finish before the caller closes the state.
        await queue;
      }
      if (tickFailure !== undefined) throw tickFailure;
    },
    tick,
    closeAll: () => serially(() => step((ctx) => closeAllWindows(ctx))),
  };
}

function parseMessage<T>(schema: z.ZodType<T>, message: BusMessage): T {
  let value: unknown;
  try {
    value = JSON.parse(message.value.toString('utf8'));
  } catch {
    throw new KeytrailError('CORRELATE_MESSAGE_INVALID', `message ${message.partition}:${message.offset} on ${message.topic} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw schemaError('CORRELATE_MESSAGE_INVALID', `message on ${message.topic} does not match its schema`, parsed.error);
  return parsed.data;
}

function toMessage(record: AttributedRecord): OutgoingMessage {
  return { key: record.id, value: canonicalBytes(record), headers: { [HEADER_SCHEMA_VERSION]: '1' } };
}
