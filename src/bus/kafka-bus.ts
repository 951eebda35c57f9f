import { setTimeout as sleep } from 'node:timers/promises';
import { logLevel, Partitioners, type Admin, type LogEntry, type Producer } from 'kafkajs';
import { KeytrailError, toKeytrailError } from '../core/errors.ts';
import type { Bus, Clock } from '../core/ports.ts';
import { systemClock } from '../core/ports.ts';
import { schemaError } from '../core/schema-error.ts';
import { stampHeaders } from './headers.ts';
import { createTrackedKafka, type TrackedKafka } from './kafka-client.ts';
import { KafkaBusConfig, type KafkaBusLog, type ParsedKafkaBusConfig } from './kafka-config.ts';
import { consumeKafka } from './kafka-consume.ts';

export { KafkaBusConfig, parseBrokerList, type KafkaBusLog } from './kafka-config.ts';

export interface KafkaBus extends Bus {
  /** Creates the topics (with the configured partition count) unless they exist. */
  ensureTopics(topics: readonly string[]): Promise<void>;
  readonly config: ParsedKafkaBusConfig;
}

/**
 * The Kafka bus (kafkajs): an idempotent producer with acks=-1 (all in-sync replicas), keys decide the
 * partition with Kafka's own murmur2 partitioner, and consumers commit by hand only after the handler's
 * durable write (kafka-consume.ts).
 */
export function createKafkaBus(input: KafkaBusConfig, options: { clock?: Clock; log?: KafkaBusLog; memberName?: string } = {}): KafkaBus {
  const parsed = KafkaBusConfig.safeParse(input);
  if (!parsed.success) throw schemaError('BUS_CONFIG_INVALID', 'invalid Kafka bus configuration', parsed.error);
  const config = parsed.data;
  const clock = options.clock ?? systemClock;
  const createClient = (): TrackedKafka =>
    createTrackedKafka({
      clientId: config.clientId,
      brokers: config.brokers,
      connectionTimeout: config.connectionTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      retry: { retries: config.retries, maxRetryTime: config.retryMaxMs, initialRetryTime: 300 },
      logLevel: options.log === undefined ? logLevel.NOTHING : logLevel.INFO,
      logCreator: () => (entry: LogEntry) => forwardLog(options.log, entry),
    });
  // The producer and the admin client share one client; each consume() gets its own (kafka-consume.ts).
  const shared = createClient();
  const { kafka } = shared;
  const created = new Set<string>();
  let admin: Promise<Admin> | undefined;
  let producer: Promise<Producer> | undefined;

  const connected = <T extends { connect(): Promise<void> }>(client: T, what: string): Promise<T> =>
    client.connect().then(
      () => client,
      (error: unknown) => {
        throw toKeytrailError(error, 'BUS_KAFKA_UNAVAILABLE', `cannot connect the Kafka ${what} to ${config.brokers.join(',')}`);
      },
    );
  const getAdmin = (): Promise<Admin> => {
    admin ??= connected(kafka.admin(), 'admin client').catch((error: unknown) => {
      admin = undefined;
      throw error;
    });
    return admin;
  };
  const getProducer = (): Promise<Producer> => {
    producer ??= connected(kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner }), 'producer').catch(
      (error: unknown) => {
        producer = undefined;
        throw error;
      },
    );
    return producer;
  };

  async function ensureTopics(topics: readonly string[]): Promise<void> {
    const missing = topics.filter((topic) => !created.has(topic));
    if (missing.length === 0) return;
    const client = await getAdmin();
    try {
      await client.createTopics({
        // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers until the new
        // topic's metadata has propagated: waitForTopicLeaders waits through it.
        waitForLeaders: false,
        topics: missing.map((topic) => ({ topic, numPartitions: config.partitions, replicationFactor: config.replicationFactor })),
      });
    } catch (error) {
      if (!isTopicExistsError(error)) throw toKeytrailError(error, 'BUS_KAFKA_TOPIC_FAILED', `cannot create topics ${missing.join(', ')}`);
    }
    await waitForTopicLeaders(client, missing, config.requestTimeoutMs);
    for (const topic of missing) created.add(topic);
  }

  return {
    config,
    ensureTopics,
    async publish(topic, messages) {
      if (messages.length === 0) return;
      await ensureTopics([topic]);
      const client = await getProducer();
      try {
        await client.send({ topic, acks: -1, messages: messages.map((message) => ({ key: message.key, value: message.value, headers: stampHeaders(message, clock) })) });
      } catch (error) {
        throw toKeytrailError(error, 'BUS_KAFKA_PUBLISH_FAILED', `publishing ${messages.length} message(s) to ${topic}`);
      }
    },
    async consume(consumeOptions) {
      await ensureTopics(consumeOptions.topics);
      await consumeKafka({ client: createClient(), admin: await getAdmin(), config, options: consumeOptions, clock, log: options.log, memberName: options.memberName });
    },
    async close() {
      const clients = await Promise.allSettled([producer, admin].filter((client) => client !== undefined));
      await Promise.allSettled(clients.map((client) => (client.status === 'fulfilled' ? client.value.disconnect() : undefined)));
      shared.destroySockets();
    },
  };
}

const RETRY_METADATA = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/** Every partition of the topics has a leader, or BUS_KAFKA_TOPIC_FAILED after `timeoutMs`. */
async function waitForTopicLeaders(admin: Admin, topics: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (found.length === topics.length && found.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0))) return;
    } catch (error) {
      if (!RETRY_METADATA.has((error as { type?: string }).type ?? '')) throw toKeytrailError(error, 'BUS_KAFKA_TOPIC_FAILED', `cannot read the metadata of ${topics.join(', ')}`);
      last = error;
    }
    await sleep(100);
  }
  throw new KeytrailError('BUS_KAFKA_TOPIC_FAILED', `the partitions of ${topics.join(', ')} have no leader after ${timeoutMs} ms`, { cause: last });
}

function isTopicExistsError(error: unknown): boolean {
  const typed = error as { type?: string; errors?: { type?: string }[] } | undefined;
  if (typed?.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(typed?.errors) && typed.errors.length > 0 && typed.errors.every((inner) => inner.type === 'TOPIC_ALREADY_EXISTS');
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug' };

function forwardLog(log: KafkaBusLog | undefined, entry: LogEntry): void {
  if (log === undefined) return;
  const { message, ...details } = entry.log;
  log({ level: LEVELS[entry.level] ?? 'debug', message: `kafkajs ${entry.namespace}: ${message}`, details });
}
