import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { RunSummary } from '../src/app.ts';
import { createSqliteBus } from '../src/bus/sqlite-bus.ts';
import { runCli } from './helpers/cli.ts';
import { startKeytrail } from './helpers/keytrail-process.ts';
import { FIXTURES, gcpFixtureEntries, readFixtureDocuments } from './helpers/fixtures.ts';
import { readSealedRecords } from './helpers/sealed-records.ts';
import { useTempDirs } from './helpers/temp-dir.ts';
import { startLocalLogsServer, type LocalLogsServer } from './servers/azure-logs.ts';
import { startLocalLoggingServer, type LocalLoggingServer } from './servers/gcp-logging.ts';
import { createTestCertificates } from './servers/test-ca.ts';

const tempDir = useTempDirs();
const PROJECT = 'keytrail-demo-prod';
const WORKSPACE = 'ws-keytrail-demo';
const AZURE_TOKEN = 'log-analytics-test-token';
const MONTH_MS = 30 * 24 * 60 * 60_000;

/** The CLI in a child process, awaited without blocking this process: the provider servers answer from here. */
async function runAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const exit = await startKeytrail(args, env).exited;
  return { status: exit.code, stdout: exit.stdout, stderr: exit.stderr };
}

let gcp: LocalLoggingServer | undefined;
let azure: LocalLogsServer | undefined;
afterEach(async () => {
  await gcp?.close();
  await azure?.close();
  gcp = undefined;
  azure = undefined;
});

/** Both provider APIs, holding the entries and rows of the GCP and AZKVAuditLogs fixtures; the CA file the CLI trusts. */
async function startServers(directory: string): Promise<{ caFile: string }> {
  gcp = await startLocalLoggingServer();
  gcp.addEntries(gcpFixtureEntries());
  const certificates = createTestCertificates();
  azure = await startLocalLogsServer(certificates, AZURE_TOKEN);
  azure.addRows('AZKVAuditLogs', readFixtureDocuments('azure/azkv-audit-logs.json'), '2026-01-10T12:25:00.1234567Z');
  const caFile = join(directory, 'ca.pem');
  writeFileSync(caFile, certificates.caPem);
  return { caFile };
}

function writeApiConfig(directory: string, dataDir: string): string {
  const path = join(directory, 'keytrail.yaml');
  writeFileSync(
    path,
    stringify({
      dataDir,
      inputs: [
        { source: 'app', path: 'fixtures/gcp/app-events.ndjson' },
        { source: 'app', path: 'fixtures/azure/app-events.ndjson' },
      ],
      sources: {
        // The fixtures are months old: month-long windows catch up in a few requests.
        gcp: { logging: [{ projectId: PROJECT, apiEndpoint: '127.0.0.1', port: gcp!.port, plaintext: true, startTime: '2026-01-10T11:00:00Z', maxWindowMs: MONTH_MS }] },
        azure: { logs: [{ workspaceId: WORKSPACE, endpoint: azure!.endpoint, tokenEnv: 'KEYTRAIL_TEST_AZURE_TOKEN', startTime: '2026-01-10T12:00:00Z', maxWindowMs: MONTH_MS }] },
      },
    }),
  );
  return path;
}

describe('keytrail run --once with sources (real CLI processes; provider APIs on local servers)', () => {
  it('backfills Cloud Logging over gRPC and Log Analytics over HTTPS until caught up, then seals what the same exports read as files seal', async () => {
    const directory = tempDir();
    const { caFile } = await startServers(directory);
    const dataDir = join(directory, 'data');
    const run = await runAsync(['run', '--once', '--json', '--config', writeApiConfig(directory, dataDir)], { NODE_EXTRA_CA_CERTS: caFile, KEYTRAIL_TEST_AZURE_TOKEN: AZURE_TOKEN });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout) as Required<RunSummary>;

    const filesDir = join(tempDir(), 'data');
    const files = runCli(['run', '--once', '--json', '--data-dir', filesDir, ...['gcp:fixtures/gcp/data-access.json', 'gcp:fixtures/gcp/activity-sink.ndjson', 'azure:fixtures/azure/azkv-audit-logs.json', 'app:fixtures/gcp/app-events.ndjson', 'app:fixtures/azure/app-events.ndjson'].flatMap((input) => ['--input', input])]);
    expect(files.status, files.stderr).toBe(0);
    const fromFiles = JSON.parse(files.stdout) as Required<RunSummary>;
    const published = (source: string) => fromFiles.inputs.filter((input) => input.source === source).reduce((total, input) => total + input.counts.published, 0);

    expect(summary.sources.map((source) => [source.name, source.counts.published, source.counts.deadLettered])).toEqual([
      [`gcp-logging:projects/${PROJECT}`, published('gcp'), 0],
      [`azure-logs:${WORKSPACE}:AZKVAuditLogs`, published('azure'), 0],
    ]);
    expect(published('gcp')).toBe(16);
    expect(summary.inputs.map((input) => input.counts.published)).toEqual(fromFiles.inputs.filter((input) => input.source === 'app').map((input) => input.counts.published));
    expect(summary.chain.kinds).toEqual(fromFiles.chain.kinds);
    const records = readSealedRecords(dataDir);
    expect(records.map((record) => record.id).sort()).toEqual(readSealedRecords(filesDir).map((record) => record.id).sort());
    // Who made each joined call, as the applications reported it (fixtures/gcp and fixtures/azure app events).
    const attributed = Object.fromEntries(records.filter((record) => record.kind === 'attributed').map((record) => [record.appEvent!.event.eventId, `${record.provider} ${record.user?.id}`]));
    expect(attributed).toEqual({
      'app-gcp-0001': 'gcp u-1842',
      'app-gcp-0002': 'gcp u-2210',
      'app-gcp-0003': 'gcp u-0007',
      'app-gcp-0004': 'gcp svc-reports',
      'app-gcp-0005': 'gcp alice@example.com',
      'app-az-0001': 'azure u-1842',
      'app-az-0010': 'azure u-0193',
      'app-az-0011': 'azure u-0193',
      'app-az-0012': 'azure u-3301',
      'app-az-0013': 'azure alice@contoso.example',
    });
    expect(gcp!.requests.every((request) => request.orderBy === 'timestamp asc')).toBe(true);
    expect(azure!.requests.every((request) => request.authorization === `Bearer ${AZURE_TOKEN}`)).toBe(true);

    const verify = runCli(['verify', dataDir]);
    expect(verify.status, verify.stdout).toBe(0);

    // Caught up: a second backfill asks the APIs again from the stored cursors and finds nothing new.
    const again = await runAsync(['run', '--once', '--json', '--config', writeApiConfig(directory, dataDir)], { NODE_EXTRA_CA_CERTS: caFile, KEYTRAIL_TEST_AZURE_TOKEN: AZURE_TOKEN });
    expect(again.status, again.stderr).toBe(0);
    const second = JSON.parse(again.stdout) as Required<RunSummary>;
    expect(second.sources.map((source) => source.counts.published)).toEqual([0, 0]);
    expect(second.sealer.sealed).toBe(0);
  });

  it('drains an app event topic with --once, dead-lettering what is not an app event, and closes the windows', async () => {
    const dataDir = tempDir();
    const lines = readFileSync(join(FIXTURES, 'demo', 'app-events.ndjson'), 'utf8').split('\n').filter((line) => line !== '');
    const bus = createSqliteBus({ path: join(dataDir, 'bus.db') });
    await bus.publish('acme.encryption-events', lines.map((line, index) => ({ key: `k${index}`, value: Buffer.from(line) })));
    await bus.close();
    const config = join(dataDir, 'keytrail.json');
    writeFileSync(config, JSON.stringify({ dataDir, sources: { app: { topic: [{ topic: 'acme.encryption-events' }] } } }));
    const run = await runAsync(['run', '--once', '--json', '--config', config], {});
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as Required<RunSummary>;
    expect(summary.sources).toEqual([{ name: 'app-topic:acme.encryption-events', counts: expect.objectContaining({ read: lines.length, published: 6, deadLettered: 2 }) }]);
    // No KMS event came: every claimed call is an audit gap, closed at the end of input.
    expect(summary.chain.kinds).toEqual({ unconfirmed: 6 });
  });

  it('stops the backfill with the provider rejection code when the Log Analytics token is refused', async () => {
    const directory = tempDir();
    const { caFile } = await startServers(directory);
    const run = await runAsync(['run', '--once', '--config', writeApiConfig(directory, join(directory, 'data'))], { NODE_EXTRA_CA_CERTS: caFile, KEYTRAIL_TEST_AZURE_TOKEN: 'expired-token' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error INGEST_AZURE_API_REJECTED: /m);
  });
});
