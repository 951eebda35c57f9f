import { appendFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runBackfill, type RunSummary } from '../src/app.ts';
import { runCli } from './helpers/cli.ts';
import { startKeytrail } from './helpers/keytrail-process.ts';
import { createLiveInputs } from './helpers/live-inputs.ts';
import { readSealedRecords, type SealedRecord } from './helpers/sealed-records.ts';
import { useTempDirs } from './helpers/temp-dir.ts';
import { startCloudTrailServer, type CloudTrailServer } from './servers/cloudtrail.ts';

const tempDir = useTempDirs();
const TOKEN = 'app-intake-test-token';
/** The AWS SDK signs every request; the local CloudTrail server accepts any key. */
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_PROFILE: '', AWS_EC2_METADATA_DISABLED: 'true' };

let server: CloudTrailServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The record that holds the KMS call with this provider request id (AWS requestID) or correlation id (Vault). */
function recordOfCall(records: readonly SealedRecord[], id: string): SealedRecord {
  const found = records.filter((record) => record.kmsEvent?.joinKeys.requestId === id || record.kmsEvent?.joinKeys.correlationId === id);
  expect(found, id).toHaveLength(1);
  return found[0]!;
}

describe('keytrail run --config with long-running sources (real CLI processes)', () => {
  it('follows a Vault audit file, listens for app events and a Vault socket device, polls CloudTrail, stops on SIGTERM, and seals what a backfill of the same data seals', async () => {
    const live = createLiveInputs(Date.now());
    server = await startCloudTrailServer();
    server.deliver(live.cloudTrail.map((record) => ({ record })));
    const directory = tempDir();
    const auditLog = join(directory, 'vault-audit.log');
    writeFileSync(auditLog, live.vaultPairs.encrypt);
    const dataDir = join(directory, 'data');
    const configPath = join(directory, 'keytrail.yaml');
    writeFileSync(
      configPath,
      stringify({
        dataDir,
        origin: 'keytrail.test/live',
        // No window may close on the idle timer while the test feeds the sources: the records must not depend on its pace.
        correlate: { idleTimeoutMs: 600_000 },
        seal: { checkpointEveryMs: 200 },
        sources: {
          aws: { lookup: [{ region: 'eu-west-1', endpoint: server.endpoint, minRequestIntervalMs: 0, pollIntervalMs: 200 }] },
          vault: { file: [{ path: auditLog, pollIntervalMs: 50 }], socket: [{ host: '127.0.0.1', port: 0 }] },
          app: { http: { host: '127.0.0.1', port: 0, token: { env: 'KEYTRAIL_TEST_APP_TOKEN' } } },
        },
      }),
    );

    // The same events as files, backfilled: what the streaming run must end up sealing, record for record.
    const oracleDir = tempDir();
    writeFileSync(join(oracleDir, 'trail.ndjson'), live.cloudTrail.map((record) => JSON.stringify(record)).join('\n'));
    writeFileSync(join(oracleDir, 'audit.log'), live.vaultPairs.encrypt + live.vaultPairs.decrypt + live.vaultPairs.rewrap);
    writeFileSync(join(oracleDir, 'app.ndjson'), live.appEvents.join('\n'));
    const oracle = await runBackfill({
      dataDir: join(oracleDir, 'data'),
      inputs: [
        { source: 'aws', path: join(oracleDir, 'trail.ndjson') },
        { source: 'vault', path: join(oracleDir, 'audit.log') },
        { source: 'app', path: join(oracleDir, 'app.ndjson') },
      ],
    });
    // Without --once no window closes: what streams through is what joined or stands alone.
    const streamed = (oracle.chain.kinds.attributed ?? 0) + (oracle.chain.kinds.service ?? 0) + (oracle.chain.kinds.lifecycle ?? 0);
    expect(oracle.chain.kinds.attributed).toBeGreaterThanOrEqual(7);

    const run = startKeytrail(['run', '--config', configPath, '--log-level', 'debug', '--json'], { ...AWS_ENV, KEYTRAIL_TEST_APP_TOKEN: TOKEN });
    const started = (source: string, listening: boolean) => run.waitForLog((line) => line.source === source && line.msg === (listening ? 'source started, listening' : 'source started'));
    const [http, socket] = await Promise.all([started('app-http', true), started('vault-socket:127.0.0.1:0', true), started('aws-lookup:eu-west-1', false), started(`vault-file:${auditLog}`, false)]);
    expect(http).toMatchObject({ stage: 'ingest', host: '127.0.0.1', address: `127.0.0.1:${http.port}` });
    expect(socket.port).not.toBe(0);
    const sealedAll = run.waitForLog((line) => line.msg === 'batch handled' && line.stage === 'seal' && (line.chainSize ?? 0) >= streamed);

    const response = await fetch(`http://127.0.0.1:${http.port}/v1/app-events`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: `${live.appEvents.join('\n')}\n` });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'accepted', published: live.appEvents.length });
    appendFileSync(auditLog, live.vaultPairs.decrypt);
    connect(socket.port as number, '127.0.0.1').end(live.vaultPairs.rewrap);
    await sealedAll;
    run.kill('SIGTERM');
    const exit = await run.exited;
    expect(exit.code, exit.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(exit.stdout) as RunSummary;
    expect(Object.fromEntries(summary.sources.map((source) => [source.name, source.counts.published]))).toEqual({
      'aws-lookup:eu-west-1': live.cloudTrail.length,
      [`vault-file:${auditLog}`]: 2,
      'vault-socket:127.0.0.1:0': 1,
      'app-http': live.appEvents.length,
    });
    expect(summary.sources.find((source) => source.name === 'app-http')?.address).toEqual({ host: '127.0.0.1', port: http.port });
    expect(summary.chain?.size).toBe(streamed);
    expect(server.requests.length).toBeGreaterThan(0);

    // The stream's offsets were committed: a backfill of the data directory only closes the windows left open.
    const rest = runCli(['run', '--once', '--json', '--data-dir', dataDir, '--origin', 'keytrail.test/live']);
    expect(rest.status, rest.stderr).toBe(0);
    const closing = JSON.parse(rest.stdout) as Required<RunSummary>;
    expect(closing.correlator.kmsEvents + closing.correlator.appEvents).toBe(0);
    expect(closing.sealer.sealed).toBe(oracle.chain.size - streamed);
    const verify = runCli(['verify', dataDir]);
    expect(verify.status, verify.stdout).toBe(0);

    const records = readSealedRecords(dataDir);
    expect(records.map((record) => record.id).sort()).toEqual(readSealedRecords(join(oracleDir, 'data')).map((record) => record.id).sort());
    const users = (id: string) => ({ kind: recordOfCall(records, id).kind, user: recordOfCall(records, id).user?.id ?? null });
    expect(users('edfa1a2e-7fed-50ef-a7da-2310282c3979')).toEqual({ kind: 'attributed', user: 'alice@acme.example' });
    expect(users('b0c5146d-b994-5f2b-8b39-2d18f1b323e6')).toEqual({ kind: 'attributed', user: 'bob@acme.example' });
    expect(users('ce2d1b4b-4905-579c-95d7-1de4a1bf019c')).toEqual({ kind: 'unattributed', user: null });
    expect(users('req-7c21-encrypt')).toEqual({ kind: 'attributed', user: 'alice@acme.example' });
    expect(users('req-7c22-decrypt')).toEqual({ kind: 'attributed', user: 'bob@acme.example' });
    expect(users('req-7c23-rewrap')).toEqual({ kind: 'attributed', user: 'system:rewrap-job' });
  });

  it('stops the whole run with the source error code and exit code when CloudTrail rejects the credentials', async () => {
    server = await startCloudTrailServer();
    server.failNext('access-denied', 100);
    const directory = tempDir();
    const configPath = join(directory, 'keytrail.json');
    writeFileSync(configPath, JSON.stringify({ dataDir: join(directory, 'data'), sources: { aws: { lookup: [{ region: 'eu-west-1', endpoint: server.endpoint, minRequestIntervalMs: 0 }] } } }));
    const run = startKeytrail(['run', '--config', configPath], AWS_ENV);
    const failure = run.waitForLog((line) => line.msg === 'stopping the run: a part failed');
    const exit = await run.exited;
    expect(await failure).toMatchObject({ part: 'ingest', code: 'INGEST_AWS_API_REJECTED' });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(/\nerror INGEST_AWS_API_REJECTED: .*AccessDeniedException/);
    expect(exit.stderr).toContain('"msg":"stage stopped"');
  });

  it('logs every retry of a throttled CloudTrail poll as a warning, and stops after the configured attempts', async () => {
    server = await startCloudTrailServer();
    server.failNext('throttle', 100);
    const directory = tempDir();
    const configPath = join(directory, 'keytrail.json');
    const retry = { baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 4 };
    writeFileSync(configPath, JSON.stringify({ dataDir: join(directory, 'data'), sources: { aws: { lookup: [{ region: 'eu-west-1', endpoint: server.endpoint, minRequestIntervalMs: 0, retry }] } } }));
    const run = startKeytrail(['run', '--config', configPath], AWS_ENV);
    const exit = await run.exited;
    const retries = exit.stderr
      .split('\n')
      .filter((line) => line.includes('retrying in'))
      .map((line) => JSON.parse(line) as { level: number; code: string; failures: number; delayMs: number; source: string });
    expect(retries.map(({ level, code, failures, delayMs, source }) => ({ level, code, failures, delayMs, source }))).toEqual(
      [20, 40, 50].map((delayMs, index) => ({ level: 40, code: 'INGEST_AWS_THROTTLED', failures: index + 1, delayMs, source: 'aws-lookup:eu-west-1' })),
    );
    expect(exit.stderr).toMatch(/\nerror INGEST_AWS_THROTTLED: /);
    expect(exit.code).toBe(3);
  });
});
