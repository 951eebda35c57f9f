import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Services for the whole run, each failing the run if it cannot start: one Apache Kafka broker
    // (scripts/kafka-broker.sh) and one S3-compatible server with Object Lock (moto, installed from PyPI on first use).
    globalSetup: ['test/setup/kafka-broker.ts', 'test/setup/moto-server.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files run in parallel processes, tests inside a file in order.
    pool: 'forks',
    maxWorkers: 2,
  },
});
