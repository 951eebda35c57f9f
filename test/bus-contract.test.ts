import { join } from 'node:path';
import { inject } from 'vitest';
import { createKafkaBus } from '../src/bus/kafka-bus.ts';
import { createSqliteBus } from '../src/bus/sqlite-bus.ts';
import { CONTRACT_PARTITIONS, describeBusContract } from './helpers/bus-contract.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

describeBusContract('embedded SQLite', () => {
  const path = join(tempDir(), 'bus.db');
  return { open: async () => createSqliteBus({ path, partitions: CONTRACT_PARTITIONS, pollIntervalMs: 20, sessionTimeoutMs: 5_000 }) };
});

describeBusContract('Kafka', () => ({
  open: async () =>
    createKafkaBus({
      brokers: [inject('kafkaBrokers')],
      partitions: CONTRACT_PARTITIONS,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      fetchMaxWaitMs: 100,
      idleQuietMs: 300,
    }),
}));
