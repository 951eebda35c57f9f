import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startContinuousInputs } from '../src/ingest/continuous.ts';
import { APP_EVENTS_FILE, AWS_FILES, loadCloudTrailRecords, readLines, VAULT_FILES } from './helpers/fixtures.ts';
import { createTestClock, openIngestEnv, readKmsEvents, readTopic } from './helpers/ingest-env.ts';
import { useTempDirs } from './helpers/temp-dir.ts';
import { startCloudTrailServer, type CloudTrailServer } from './servers/cloudtrail.ts';

const tempDir = useTempDirs();

describe('continuous inputs (keytrail run without --once)', () => {
  let server: CloudTrailServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('runs CloudTrail polling, a Vault file follower and socket listener, the app HTTP and topic intakes together, and stops them', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    server = await startCloudTrailServer();
    const records = loadCloudTrailRecords(AWS_FILES.dataPlane).filter((record) => record.eventSource === 'kms.amazonaws.com');
    server.deliver(records.map((record) => ({ record })));
    const directory = tempDir();
    const vaultLines = readLines(VAULT_FILES.hmac);
    const pair = (id: string) => vaultLines.filter((line) => line.includes(id)).map((line) => `${line}\n`).join('');
    writeFileSync(join(directory, 'audit.log'), pair('req-7c21-encrypt') + pair('req-7c22-decrypt'));
    const appEvents = readLines(APP_EVENTS_FILE);
    const env = openIngestEnv(directory, createTestClock('2026-01-10T12:31:00.000Z'));
    await env.bus.publish('acme.encryption-events', [{ key: 'k', value: Buffer.from(appEvents[0]!) }, { key: 'k', value: Buffer.from(appEvents[1]!) }]);
    const inputs = await startContinuousInputs(
      {
        aws: { lookup: [{ region: 'eu-west-1', endpoint: server.endpoint, minRequestIntervalMs: 0, pollIntervalMs: 20 }] },
        vault: { file: [{ path: join(directory, 'audit.log'), pollIntervalMs: 10 }], socket: [{ host: '127.0.0.1', port: 0 }] },
        app: { http: { port: 0, token: { env: 'APP_TOKEN' } }, topic: [{ topic: 'acme.encryption-events' }] },
      },
      { ...env, env: { APP_TOKEN: 'secret-token' } },
    );
    try {
      const http = inputs.addresses['app-http']!;
      const response = await fetch(`http://127.0.0.1:${http.port}/v1/app-events`, { method: 'POST', headers: { authorization: 'Bearer secret-token' }, body: appEvents[2] });
      expect(response.status).toBe(200);
      const socket = connect(inputs.addresses['vault-socket:127.0.0.1:0']!.port, '127.0.0.1');
      socket.end(pair('req-7c23-rewrap'));
      await expect
        .poll(() => Object.fromEntries(Object.entries(inputs.counts()).map(([name, counts]) => [name, counts.published])), { timeout: 15_000, interval: 20 })
        .toEqual({
          'aws-lookup:eu-west-1': records.length,
          [`vault-file:${join(directory, 'audit.log')}`]: 2,
          'vault-socket:127.0.0.1:0': 1,
          'app-http': 1,
          'app-topic:acme.encryption-events': 2,
        });
    } finally {
      await inputs.stop();
    }
    expect((await readKmsEvents(env)).length).toBe(records.length + 3);
    expect(await readTopic(env.bus, env.topics.appEvents)).toHaveLength(3);
    const refused = await fetch(`http://127.0.0.1:${inputs.addresses['app-http']!.port}/v1/app-events`).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    await env.close();
  });

  it('reports through `failed` a CloudTrail outage that eight retries in a row did not overcome', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    server = await startCloudTrailServer();
    server.failNext('server-error', 100);
    const directory = tempDir();
    const env = openIngestEnv(directory, createTestClock('2026-01-10T12:31:00.000Z'));
    // The backoff is recorded instead of waited for (only the poller waits here: a listener's timer would spin).
    const waits: number[] = [];
    const inputs = await startContinuousInputs({ aws: { lookup: [{ region: 'eu-west-1', endpoint: server.endpoint, minRequestIntervalMs: 0 }] } }, { ...env, wait: async (ms) => void waits.push(ms) });
    try {
      await expect(inputs.failed).rejects.toMatchObject({ code: 'INGEST_AWS_API_FAILED', retriable: true });
      expect(server.requests).toHaveLength(8);
      expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000]);
    } finally {
      await inputs.stop();
      await env.close();
    }
  });

  it('refuses to backfill from listeners and the file follower, which never finish, and starts nothing', async () => {
    const env = openIngestEnv(tempDir());
    try {
      const started = startContinuousInputs(
        { vault: { file: [{ path: join(tempDir(), 'audit.log') }], socket: [{ port: 0 }] }, app: { http: { port: 0, token: { env: 'APP_TOKEN' } }, topic: [{ topic: 'acme.encryption-events' }] } },
        { ...env, env: { APP_TOKEN: 'secret-token' }, mode: 'backfill' },
      );
      await expect(started).rejects.toMatchObject({ code: 'CLI_CONFIG_INVALID', details: { sources: ['vault.file.[0]', 'vault.socket.[0]', 'app.http'] } });
    } finally {
      await env.close();
    }
  });

  it('fails to start when a referenced token is missing, and leaves nothing listening', async () => {
    const env = openIngestEnv(tempDir());
    try {
      await expect(startContinuousInputs({ vault: { socket: [{ port: 0 }] }, app: { http: { port: 0, token: { env: 'UNSET_TOKEN' } } } }, { ...env, env: {} })).rejects.toMatchObject({
        code: 'INGEST_SECRET_UNREADABLE',
      });
    } finally {
      await env.close();
    }
  });
});
