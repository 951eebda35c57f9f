import type { ErrorCatalogue } from './spec.ts';

export const BUS_CODES = {
  BUS_STORE_FAILED: { exit: 'io', retriable: true, summary: 'The embedded bus could not read or write its SQLite file.' },
  BUS_TOPIC_UNKNOWN: { exit: 'usage', retriable: false, summary: 'A stage asked for a topic that is not part of the topic layout.' },
  BUS_HANDLER_FAILED: { exit: 'io', retriable: true, summary: 'A consumer handler failed; its batch was not committed and will be redelivered.' },
  BUS_CONFIG_INVALID: { exit: 'usage', retriable: false, summary: 'The bus configuration (broker list, partition count, timeouts) failed validation; every problem is listed with its path.' },
  BUS_KAFKA_UNAVAILABLE: { exit: 'io', retriable: true, summary: 'No Kafka broker of the configured list answered (connect, metadata or group join failed after retries).' },
  BUS_KAFKA_TOPIC_FAILED: { exit: 'io', retriable: true, summary: 'A topic could not be created on the Kafka cluster (permissions, replication factor above the broker count).' },
  BUS_KAFKA_PUBLISH_FAILED: { exit: 'io', retriable: true, summary: 'The brokers did not acknowledge a publish (acks=-1) after retries; nothing was reported as published.' },
  BUS_KAFKA_COMMIT_FAILED: { exit: 'io', retriable: true, summary: 'A consumer could not commit its offsets after a handled batch; the batch will be delivered again.' },
  BUS_KAFKA_CONSUMER_CRASHED: { exit: 'io', retriable: true, summary: 'The Kafka consumer stopped on an error it does not restart from; uncommitted messages will be delivered again.' },
} as const satisfies ErrorCatalogue;
