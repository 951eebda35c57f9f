/**
 * Bus throughput: publish N records in batches of 500 (each publish durable before the next, as the stages
 * do), then consume them all in one consumer group, on the embedded SQLite bus and on KafkaBus; and, on the same
 * broker in the same run, Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance, acks=all,
 * idempotent) for a ratio. Starts and stops its own broker through scripts/kafka-broker.sh.
 *
 *   node bench/bus.ts [--records N] [--bytes B]
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createKafkaBus } from '../src/bus/kafka-bus.ts';
import { silenceKafkajsTimeoutWarnings } from '../src/bus/kafkajs-warnings.ts';
import { createSqliteBus } from '../src/bus/sqlite-bus.ts';
import type { Bus, OutgoingMessage } from '../src/core/ports.ts';

silenceKafkajsTimeoutWarnings();

const SCRIPT = fileURLToPath(new URL('../scripts/kafka-broker.sh', import.meta.url));
const PARTITIONS = 4;
const BATCH = 500;

const { values } = parseArgs({ options: { records: { type: 'string', default: '50000' }, bytes: { type: 'string', default: '512' } } });
const records = Number(values.records);
const bytes = Number(values.bytes);

interface Figures {
  publishPerSecond: number;
  consumePerSecond: number;
  endToEndPerSecond: number;
}

function makeMessages(): OutgoingMessage[] {
  const padding = 'x'.repeat(Math.max(0, bytes - 40));
  return Array.from({ length: records }, (_, index) => ({ key: `aws:request-${index % 1000}`, value: Buffer.from(JSON.stringify({ seq: index, padding })) }));
}

async function measure(bus: Bus, topic: string, messages: OutgoingMessage[]): Promise<Figures> {
  const publishStart = performance.now();
  for (let start = 0; start < messages.length; start += BATCH) await bus.publish(topic, messages.slice(start, start + BATCH));
  const publishMs = performance.now() - publishStart;
  const consumeStart = performance.now();
  const stop = new AbortController();
  let seen = 0;
  let consumeMs = 0;
  await bus.consume({
    group: `bench-${randomUUID()}`,
    topics: [topic],
    signal: stop.signal,
    maxBatchMessages: BATCH,
    handleBatch: async (batch) => {
      seen += batch.length;
      if (seen >= messages.length && !stop.signal.aborted) {
        consumeMs = performance.now() - consumeStart;
        stop.abort();
      }
    },
  });
  const perSecond = (ms: number): number => Math.round((messages.length / ms) * 1000);
  return { publishPerSecond: perSecond(publishMs), consumePerSecond: perSecond(consumeMs), endToEndPerSecond: perSecond(publishMs + consumeMs) };
}

function runProducerPerformance(brokers: string, topic: string): number {
  const classpath = spawnSync('bash', [SCRIPT, 'classpath'], { encoding: 'utf8' }).stdout.trim();
  const result = spawnSync(
    'java',
    ['-Xmx512m', '-cp', classpath, 'org.apache.kafka.tools.ProducerPerformance', '--topic', topic, '--num-records', String(records), '--record-size', String(bytes), '--throughput', '-1',
      '--producer-props', `bootstrap.servers=${brokers}`, 'acks=all', 'enable.idempotence=true'],
    { encoding: 'utf8' },
  );
  const summary = result.stdout.trim().split('\n').filter((line) => line.includes('records sent')).pop();
  const match = summary?.match(/([\d.]+) records\/sec/);
  if (result.status !== 0 || match === undefined || match === null) throw new Error(`ProducerPerformance failed (exit ${result.status}):\n${result.stderr}\n${result.stdout}`);
  return Math.round(Number(match[1]));
}

function print(name: string, figures: Figures): void {
  console.log(`${name.padEnd(30)} publish ${String(figures.publishPerSecond).padStart(8)} rec/s   consume ${String(figures.consumePerSecond).padStart(8)} rec/s   produce→consume ${String(figures.endToEndPerSecond).padStart(8)} rec/s`);
}

const work = mkdtempSync(join(tmpdir(), 'keytrail-bench-'));
const brokerDir = join(work, 'broker');
const started = spawnSync('bash', [SCRIPT, 'start', brokerDir], { encoding: 'utf8', env: { ...process.env, KEYTRAIL_KAFKA_WATCH_PID: String(process.pid) } });
if (started.status !== 0) throw new Error(`the broker did not start:\n${started.stderr}`);
const brokers = started.stdout.trim().split('\n').pop()!;
try {
  console.log(`bench/bus: ${records} records of ${bytes} bytes, ${PARTITIONS} partitions, batches of ${BATCH}; broker ${brokers}\n`);
  const messages = makeMessages();
  const sqlite = createSqliteBus({ path: join(work, 'bus.db'), partitions: PARTITIONS, pollIntervalMs: 5 });
  const sqliteFigures = await measure(sqlite, 'bench.sqlite', messages);
  await sqlite.close();
  print('SqliteBus (WAL, synchronous=FULL)', sqliteFigures);
  const kafka = createKafkaBus({ brokers: [brokers], partitions: PARTITIONS, fetchMaxWaitMs: 100 });
  const kafkaFigures = await measure(kafka, 'bench.kafkabus', messages);
  print('KafkaBus (kafkajs, acks=-1)', kafkaFigures);
  await kafka.ensureTopics(['bench.producer-performance']);
  await kafka.close();
  const native = runProducerPerformance(brokers, 'bench.producer-performance');
  console.log(`${'ProducerPerformance (Java)'.padEnd(30)} publish ${String(native).padStart(8)} rec/s`);
  console.log(`\nKafkaBus publish / ProducerPerformance = ${(kafkaFigures.publishPerSecond / native).toFixed(3)}`);
  console.log(`SqliteBus publish / KafkaBus publish  = ${(sqliteFigures.publishPerSecond / kafkaFigures.publishPerSecond).toFixed(3)}`);
} finally {
  spawnSync('bash', [SCRIPT, 'stop', brokerDir]);
  rmSync(work, { recursive: true, force: true });
}
