import { z } from 'zod';

const BrokerAddress = z.string().regex(/^[^\s,/]+:\d{1,5}$/, 'a broker address is host:port');

export const KafkaBusConfig = z.strictObject({
  brokers: z.array(BrokerAddress).min(1),
  clientId: z.string().min(1).default('keytrail'),
  /** Topics keytrail creates get this many partitions (more partitions = more instances of a stage can share work). */
  partitions: z.int().min(1).max(10_000).default(4),
  /** 1 suits a single broker; production clusters want 3. */
  replicationFactor: z.int().min(1).max(32).default(1),
  /** The broker drops a member it has not heard from for this long (group.min.session.timeout.ms is 6 s by default). */
  sessionTimeoutMs: z.int().min(1_000).default(30_000),
  heartbeatIntervalMs: z.int().min(100).default(3_000),
  /** How long the broker holds a fetch open waiting for data. */
  fetchMaxWaitMs: z.int().min(10).default(250),
  maxBatchMessages: z.int().min(1).default(500),
  /** Backfill mode ends once every assigned partition is at its high watermark and nothing arrived for this long. */
  idleQuietMs: z.int().min(0).default(1_000),
  connectionTimeoutMs: z.int().min(100).default(3_000),
  requestTimeoutMs: z.int().min(100).default(30_000),
  /** Retries with exponential backoff (kafkajs retry), for each request and for restarting a crashed consumer. */
  retries: z.int().min(0).default(10),
  retryMaxMs: z.int().min(100).default(10_000),
});
export type KafkaBusConfig = z.input<typeof KafkaBusConfig>;
export type ParsedKafkaBusConfig = z.output<typeof KafkaBusConfig>;

/** `host:port,host:port` as given on the command line or in KEYTRAIL_KAFKA_BROKERS. */
export function parseBrokerList(text: string): string[] {
  return text
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
}

/** Where the Kafka bus reports what kafkajs and its consumers do (app.ts sends it to the process log). */
export interface KafkaBusLog {
  (entry: { level: 'error' | 'warn' | 'info' | 'debug'; message: string; details: Record<string, unknown> }): void;
}
