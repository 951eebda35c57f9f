import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One Apache Kafka broker for the whole run, started by scripts/kafka-broker.sh; the run fails if it cannot start.
    globalSetup: ['test/setup/kafka-broker.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files run in parallel processes, tests inside a file in order.
    pool: 'forks',
    maxWorkers: 2,
  },
});
