import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Batch, Consumer, KafkaMessage } from 'kafkajs';
import { toKeytrailError } from '../core/errors.ts';
import type { BusMessage, Clock, ConsumeOptions, TopicPartition } from '../core/ports.ts';
import { createCopartitionedAssigner } from './kafka-assigner.ts';
import type { TrackedKafka } from './kafka-client.ts';
import type { KafkaBusLog, ParsedKafkaBusConfig } from './kafka-config.ts';

export interface KafkaConsumeDeps {
  /** A client of its own: its leftover sockets are ended when the member leaves. */
  client: TrackedKafka;
  admin: Admin;
  config: ParsedKafkaBusConfig;
  options: ConsumeOptions;
  clock: Clock;
  log?: KafkaBusLog;
  /** This process's stable name in every group it joins (kafka-assigner.ts). */
  memberName?: string;
}

/**
 * One consumer-group member. Offsets are resolved and committed by hand, and only after handleBatch
 * resolved: kafkajs fetches again from the last resolved offset, so a batch whose handler failed is never
 * skipped. On abort the member finishes the chunk in hand, commits it and leaves the group.
 */
export async function consumeKafka(deps: KafkaConsumeDeps): Promise<void> {
  const { config, options, clock } = deps;
  const { kafka } = deps.client;
  if (options.signal?.aborted === true) return;
  const limit = options.maxBatchMessages ?? config.maxBatchMessages;
  let assigned: TopicPartition[] = [];
  const floors = new Map<string, bigint>();
  let joined = false;
  let inFlight = 0;
  let lastActivityMs = clock.now().getTime();
  let stopping = false;
  let failure: unknown;
  let wake: () => void = () => undefined;
  const halt = new AbortController();
  const stop = (error?: unknown): void => {
    if (error !== undefined && failure === undefined) failure = error;
    stopping = true;
    halt.abort();
    wake();
  };
  const onAbort = (): void => stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const idleTimer = options.untilIdle === true ? watchForIdle() : undefined;

  // kafkajs restarts a crashed consumer by itself, but a disconnect() that meets such a restart is ignored and the
  // consumer comes back (tulios/kafkajs#1147), so a stopped stage might never exit: restarts happen here instead,
  // each with a fresh consumer, and give up after `retries` in a row that never rejoined the group.
  let attempt = 0;
  while (!stopping) {
    const restart = await runConsumer();
    if (stopping || restart === undefined) break;
    attempt = joined ? 1 : attempt + 1;
    joined = false;
    if (attempt > config.retries) {
      stop(toKeytrailError(restart, 'BUS_KAFKA_UNAVAILABLE', `the Kafka consumer of group ${options.group} could not rejoin after ${config.retries} restarts`));
      break;
    }
    const delayMs = Math.min(config.retryMaxMs, 300 * 2 ** Math.min(attempt, 10));
    deps.log?.({ level: 'warn', message: `restarting the consumer of group ${options.group} in ${delayMs} ms`, details: { error: String(restart), attempt } });
    await sleep(delayMs, undefined, { signal: halt.signal }).catch(() => undefined);
  }
  if (idleTimer !== undefined) clearInterval(idleTimer);
  options.signal?.removeEventListener('abort', onAbort);
  const leftover = deps.client.destroySockets();
  deps.log?.({ level: 'info', message: `left consumer group ${options.group}`, details: { group: options.group, failed: failure !== undefined, leftoverSockets: leftover } });
  if (failure !== undefined) throw failure;

  /** One consumer until stop() or a crash; resolves with the crash's error when a retriable one asks for a restart. */
  async function runConsumer(): Promise<unknown> {
    let retriable: unknown;
    const ended = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const consumer = kafka.consumer({
      groupId: options.group,
      partitionAssigners: [createCopartitionedAssigner(deps.memberName)],
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: Math.min(config.heartbeatIntervalMs, Math.floor(config.sessionTimeoutMs / 3)),
      maxWaitTimeInMs: config.fetchMaxWaitMs,
      allowAutoTopicCreation: false,
      // kafkajs asks this only for retriable errors; the answer is always "not by yourself" (see above).
      retry: { retries: config.retries, maxRetryTime: config.retryMaxMs, initialRetryTime: 300, restartOnFailure: async (error) => ((retriable = error), false) },
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      assigned = Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
      joined = true;
      lastActivityMs = clock.now().getTime();
      floors.clear();
      for (const entry of assigned) {
        const stored = options.resumeFrom?.(entry);
        if (stored !== undefined) floors.set(`${entry.topic}\u0000${entry.partition}`, BigInt(stored));
      }
      options.onAssignment?.(assigned);
    });
    let crashed = false;
    consumer.on(consumer.events.CRASH, (event) => {
      crashed = true;
      if (retriable === undefined) stop(toKeytrailError(event.payload.error, 'BUS_KAFKA_CONSUMER_CRASHED', `the Kafka consumer of group ${options.group} stopped`));
      else wake();
    });
    const handleChunk = createChunkHandler(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          // Messages before the consumer's own stored position were written already (ConsumeOptions.resumeFrom).
          const floor = floors.get(`${batch.topic}\u0000${batch.partition}`);
          const fresh = floor === undefined ? batch.messages : batch.messages.filter((message) => BigInt(message.offset) >= floor);
          if (fresh.length === 0 && batch.messages.length > 0 && !stopping) {
            if (await commitNext(consumer, batch, batch.messages[batch.messages.length - 1]!.offset)) resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
            return;
          }
          for (let start = 0; start < fresh.length; start += limit) {
            if (stopping || !isRunning() || isStale()) return;
            if (!(await handleChunk(batch, fresh.slice(start, start + limit), resolveOffset))) return;
            await heartbeat();
          }
        },
      });
    } catch (error) {
      stop(toKeytrailError(error, 'BUS_KAFKA_UNAVAILABLE', `cannot start a Kafka consumer for group ${options.group}`));
    }
    await ended;
    await consumer.disconnect().catch(() => undefined);
    return crashed && !stopping ? retriable : undefined;
  }

  function createChunkHandler(consumer: Consumer) {
    return async (batch: Batch, messages: KafkaMessage[], resolveOffset: (offset: string) => void): Promise<boolean> => {
      inFlight += 1;
      try {
        await options.handleBatch(messages.map((message) => toBusMessage(batch, message)));
      } catch (error) {
        stop(error);
        return false;
      } finally {
        inFlight -= 1;
      }
      if (!(await commitNext(consumer, batch, messages[messages.length - 1]!.offset))) return false;
      resolveOffset(messages[messages.length - 1]!.offset);
      lastActivityMs = clock.now().getTime();
      return true;
    };
  }

  /** Commits the offset after `last`; false when it could not (the batch will be delivered again). */
  async function commitNext(consumer: Consumer, batch: Batch, last: string): Promise<boolean> {
    const next = String(BigInt(last) + 1n);
    try {
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      return true;
    } catch (error) {
      // A rebalance took the partition away: its new owner gets these messages again (at least once).
      if (!isRebalanceError(error)) stop(toKeytrailError(error, 'BUS_KAFKA_COMMIT_FAILED', `committing ${batch.topic}[${batch.partition}] at ${next}`));
      return false;
    }
  }

  function watchForIdle(): NodeJS.Timeout {
    let checking = false;
    return setInterval(
      () => {
        if (checking || stopping || !joined || inFlight > 0 || clock.now().getTime() - lastActivityMs < config.idleQuietMs) return;
        checking = true;
        isDrained(deps.admin, options.group, assigned)
          .then((drained) => {
            if (drained && inFlight === 0 && clock.now().getTime() - lastActivityMs >= config.idleQuietMs) stop();
          })
          .catch(() => undefined)
          .finally(() => {
            checking = false;
          });
      },
      Math.max(50, Math.min(500, Math.floor(config.idleQuietMs / 2))),
    );
  }
}

/** Every assigned partition's committed offset has reached its high watermark. */
async function isDrained(admin: Admin, group: string, assigned: readonly TopicPartition[]): Promise<boolean> {
  const topics = [...new Set(assigned.map((entry) => entry.topic))];
  if (topics.length === 0) return true;
  const committed = await admin.fetchOffsets({ groupId: group, topics });
  for (const topic of topics) {
    const watermarks = await admin.fetchTopicOffsets(topic);
    for (const entry of assigned.filter((candidate) => candidate.topic === topic)) {
      const mark = watermarks.find((candidate) => candidate.partition === entry.partition);
      const offset = committed.find((candidate) => candidate.topic === topic)?.partitions.find((candidate) => candidate.partition === entry.partition)?.offset;
      if (mark === undefined) return false;
      const position = offset === undefined || offset === '-1' ? BigInt(mark.low) : BigInt(offset);
      if (position < BigInt(mark.high)) return false;
    }
  }
  return true;
}

function toBusMessage(batch: Batch, message: KafkaMessage): BusMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return { topic: batch.topic, partition: batch.partition, offset: message.offset, key: message.key?.toString('utf8') ?? '', value: message.value ?? Buffer.alloc(0), headers };
}

function isRebalanceError(error: unknown): boolean {
  const type = (error as { type?: string } | undefined)?.type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID' || type === 'NOT_COORDINATOR';
}
