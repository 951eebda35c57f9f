import type { Logger } from 'pino';
import { createKafkaBus } from '../bus/kafka-bus.ts';
import { createSqliteBus } from '../bus/sqlite-bus.ts';
import { dataDirPath } from '../core/data-dir.ts';
import type { Bus, Clock } from '../core/ports.ts';
import type { ParsedRunConfig } from './run-config.ts';

/**
 * Kafka when brokers are configured, the embedded SQLite bus in the data directory otherwise. On Kafka the
 * process joins its groups under `memberName` (the instance id), which keeps its partitions across rejoins.
 */
export function openBus(config: ParsedRunConfig, clock: Clock, log: Logger, memberName: string): { bus: Bus; kind: 'kafka' | 'embedded' } {
  if (config.kafka !== undefined) {
    const bus = createKafkaBus(config.kafka, {
      clock,
      memberName,
      // kafkajs logs retried, recovered requests as errors: they are warnings to an operator.
      log: (entry) => log[entry.level === 'error' || entry.level === 'warn' ? 'warn' : entry.message.startsWith('kafkajs') ? 'debug' : entry.level]({ ...entry.details }, entry.message),
    });
    return { bus, kind: 'kafka' };
  }
  const bus = createSqliteBus({ path: dataDirPath(config.dataDir, 'bus'), partitions: config.embedded.partitions, sessionTimeoutMs: config.embedded.sessionTimeoutMs }, clock);
  return { bus, kind: 'embedded' };
}
