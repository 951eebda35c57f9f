import { describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { runBackfill } from '../src/app.ts';
import { listDemoInputs } from '../src/cli/demo.ts';
import { verifyDataDirectory } from '../src/verify/data-dir.ts';
import { runCli } from './helpers/cli.ts';
import { startKeytrail } from './helpers/keytrail-process.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const demoInputs = listDemoInputs().flatMap((input) => ['--input', `${input.source}:${input.path}`]);

describe('keytrail run', () => {
  it('rejects an unknown stage and a bad partition count at once, with exit code 2', () => {
    const result = runCli(['run', '--once', '--data-dir', tempDir(), '--stages', 'ingest,sort', '--partitions', 'four']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error CLI_CONFIG_INVALID: /);
    expect(result.stderr).toContain('stages.[1]');
    expect(result.stderr).toContain('embedded.partitions');
  });

  it('names the broker it could not reach and exits 3 when no broker answers', () => {
    const result = runCli(['run', '--once', '--data-dir', tempDir(), '--brokers', '127.0.0.1:1', '--log-level', 'silent', ...demoInputs], { KEYTRAIL_KAFKA_RETRIES: '1' });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^error BUS_KAFKA_UNAVAILABLE: cannot connect the Kafka .* to 127\.0\.0\.1:1: /);
  });

  it('backfills over Kafka with --brokers and seals what the embedded bus seals, in a chain that verifies', async () => {
    const embedded = await runBackfill({ dataDir: tempDir(), inputs: listDemoInputs() });
    const dataDir = tempDir();
    const result = runCli(['run', '--once', '--json', '--data-dir', dataDir, '--brokers', inject('kafkaBrokers'), '--topic-prefix', `r${randomUUID().slice(0, 8)}.`, '--log-level', 'silent', ...demoInputs]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout) as typeof embedded & { bus: string };
    expect(summary.bus).toBe('kafka');
    expect(summary.chain.kinds).toEqual(embedded.chain.kinds);
    expect(summary.chain.size).toBe(embedded.chain.size);
    expect(verifyDataDirectory(dataDir).ok).toBe(true);
  });

  it('streams on the embedded bus until SIGTERM, then finishes the batch in hand, commits and exits 0', async () => {
    const backfill = await runBackfill({ dataDir: tempDir(), inputs: listDemoInputs() });
    // Without --once no window closes, so what streams through is what joined or stands alone.
    const streamed = (backfill.chain.kinds.attributed ?? 0) + (backfill.chain.kinds.service ?? 0) + (backfill.chain.kinds.lifecycle ?? 0);
    const dataDir = join(tempDir(), 'data');
    const run = startKeytrail(['run', '--data-dir', dataDir, '--log-level', 'debug', ...demoInputs]);
    await run.waitForLog((line) => line.msg === 'batch handled' && line.stage === 'seal' && line.chainSize === streamed);
    run.kill('SIGTERM');
    const exit = await run.exited;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(new RegExp(`\\n  attributed +${backfill.chain.kinds.attributed}\\n`));
    expect(exit.stdout).toMatch(/\n  unattributed +0\n/);
    expect(verifyDataDirectory(dataDir).ok).toBe(true);

    // The offsets were committed: a backfill of the same data directory only closes the windows left open.
    const rest = runCli(['run', '--once', '--json', '--data-dir', dataDir, '--log-level', 'silent']);
    expect(rest.status).toBe(0);
    const summary = JSON.parse(rest.stdout) as typeof backfill;
    expect(summary.correlator.kmsEvents + summary.correlator.appEvents).toBe(0);
    expect(summary.sealer.sealed).toBe(backfill.chain.size - streamed);
    expect(summary.sealer.duplicates).toBe(0);
  });

  it('refuses a second sealer on one data directory and a second correlator with the same instance id, and lets go when the holder is killed', async () => {
    const dataDir = join(tempDir(), 'data');
    const first = startKeytrail(['run', '--data-dir', dataDir, '--stages', 'correlate,seal', '--instance-id', 'c-1', '--log-level', 'info']);
    await first.waitForLog((line) => line.msg === 'run started');
    const sealer = runCli(['run', '--data-dir', dataDir, '--stages', 'seal', '--log-level', 'silent']);
    expect(sealer.status).toBe(2);
    expect(sealer.stderr).toMatch(/^error CLI_LOCKED: the sealer of .* is already running in another process \(it holds .*seal\.lock\); run one seal process per chain\n/);
    const twin = runCli(['run', '--data-dir', dataDir, '--stages', 'correlate', '--instance-id', 'c-1', '--log-level', 'silent']);
    expect(twin.status).toBe(2);
    expect(twin.stderr).toMatch(/^error CLI_LOCKED: the correlator instance c-1 is already running .*correlate\.c-1\.lock.*its own --instance-id\n/);

    // Another instance id shares the state beside it.
    const second = startKeytrail(['run', '--data-dir', dataDir, '--stages', 'correlate', '--instance-id', 'c-2', '--log-level', 'info']);
    await second.waitForLog((line) => line.msg === 'run started');
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    // The operating system drops the locks of a killed process.
    first.kill('SIGKILL');
    await first.exited;
    const after = runCli(['run', '--once', '--json', '--data-dir', dataDir, '--stages', 'correlate,seal', '--instance-id', 'c-1', '--log-level', 'silent']);
    expect(after.stderr).toBe('');
    expect(after.status).toBe(0);
  });

  it('warns with CORRELATE_STATE_GAP when a correlator with another data directory resumes a partition', () => {
    const kafka = ['--brokers', inject('kafkaBrokers'), '--topic-prefix', `g${randomUUID().slice(0, 8)}.`, '--partitions', '1', '--log-level', 'warn'];
    const ingest = join(tempDir(), 'ingest');
    const demoApp = listDemoInputs().find((input) => input.source === 'app')!.path;
    expect(runCli(['run', '--once', '--stages', 'ingest', '--data-dir', ingest, ...kafka, '--input', `app:${demoApp}`]).status).toBe(0);
    const first = runCli(['run', '--once', '--stages', 'correlate', '--data-dir', join(tempDir(), 'correlate-1'), ...kafka]);
    expect(first.status).toBe(0);
    expect(first.stderr).not.toContain('CORRELATE_STATE_GAP');
    // More app events on the same partition, then a correlator whose state never saw the first ones.
    expect(runCli(['run', '--once', '--stages', 'ingest', '--data-dir', ingest, ...kafka, '--input', 'app:fixtures/app/app-events.ndjson']).status).toBe(0);
    const second = runCli(['run', '--once', '--stages', 'correlate', '--data-dir', join(tempDir(), 'correlate-2'), ...kafka]);
    expect(second.status).toBe(0);
    const warnings = second.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as { code?: string; msg: string; expected?: unknown });
    const gaps = warnings.filter((line) => line.code === 'CORRELATE_STATE_GAP');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.expected).toBeNull();
    expect(gaps[0]!.msg).toMatch(/partition 0 resumed at offset [1-9]\d* but this state never saw the partition: give correlators that share partitions one data directory/);
    expect(second.stdout).toMatch(/correlate .*, 1 offset gap \(CORRELATE_STATE_GAP\)/);
  });
});
