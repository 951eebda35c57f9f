import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunConfig } from '../src/app/run-config.ts';
import { parseRunCommand, runCommand } from '../src/cli/run.ts';
import { REPO_ROOT, runCli } from './helpers/cli.ts';
import { startKeytrail } from './helpers/keytrail-process.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

function writeConfig(text: string, name = 'keytrail.yaml'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

/** The example file of the README's "Configuration" section. */
function readmeExample(): string {
  const section = README.slice(README.indexOf('\n## Configuration\n'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error('no yaml block in the Configuration section of README.md');
  return match[1]!;
}

/** Every property name anywhere in a JSON Schema. */
function collectKeys(node: unknown, into = new Set<string>()): Set<string> {
  if (node === null || typeof node !== 'object') return into;
  const schema = node as Record<string, unknown>;
  for (const [name, child] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
    into.add(name);
    collectKeys(child, into);
  }
  for (const part of ['items', 'additionalProperties']) collectKeys(schema[part], into);
  for (const part of ['anyOf', 'oneOf', 'allOf']) for (const child of (schema[part] ?? []) as unknown[]) collectKeys(child, into);
  return into;
}

describe('keytrail run --config: the configuration file', () => {
  it('accepts the README example, which has every section and every kind of source', () => {
    const path = writeConfig(readmeExample());
    const { config } = parseRunCommand(runCommand, ['--config', path], {});
    // signerKeyFile is the older single-key form of seal.signerKeys, which the example shows instead.
    const missing = Object.keys(RunConfig.shape).filter((key) => !new RegExp(`^${key}:`, 'm').test(readmeExample()));
    expect(missing).toEqual(['signerKeyFile']);
    expect(config.seal.signerKeys).toEqual([{ file: '/var/run/secrets/keytrail/signer.key' }]);
    expect(config.kafka?.brokers).toEqual(['kafka-1.acme.internal:9092', 'kafka-2.acme.internal:9092']);
    expect(config.sources.aws.lookup).toHaveLength(1);
    expect(config.sources.gcp.logging).toHaveLength(1);
    expect(config.sources.azure.logs).toHaveLength(1);
    expect(config.sources.vault.file).toHaveLength(1);
    expect(config.sources.vault.socket).toHaveLength(1);
    expect(config.sources.app.http?.token).toEqual({ env: 'KEYTRAIL_APP_TOKEN' });
    expect(config.sources.app.topic).toHaveLength(1);
    expect(config.correlate.providers.gcp.heuristic.enabled).toBe(true);
    expect(config.export?.schedule.everyEntries).toBe(100_000);
  });

  it('documents every key of the run configuration in the README', () => {
    const keys = collectKeys(z.toJSONSchema(RunConfig, { io: 'input', unrepresentable: 'any' }));
    const documented = new Set([...README.matchAll(/`([^`\n]+)`/g)].flatMap((match) => match[1]!.split(/[^A-Za-z0-9_]+/)));
    expect(keys.size).toBeGreaterThan(100);
    expect([...keys].filter((key) => !documented.has(key))).toEqual([]);
  });

  it('lets flags win over KEYTRAIL_* variables, and both over the file', () => {
    const path = writeConfig(
      JSON.stringify({
        dataDir: '/from/file',
        origin: 'file.example/log',
        stages: ['ingest'],
        once: true,
        topics: { prefix: 'file.' },
        kafka: { brokers: ['file-broker:9092'], partitions: 8, clientId: 'from-file' },
        inputs: [{ source: 'aws', path: '/from/file/trail.json.gz' }],
        export: { to: '/from/file/worm', schedule: { everyMs: 60_000 } },
        instanceId: 'from-file',
      }),
      'keytrail.json',
    );
    const { config } = parseRunCommand(runCommand, ['--config', path, '--data-dir', '/from/flag', '--input', 'app:/from/flag/events.ndjson', '--topic-prefix', 'flag.', '--export-every-entries', '500'], {
      KEYTRAIL_DATA_DIR: '/from/env',
      KEYTRAIL_PARTITIONS: '2',
      KEYTRAIL_KAFKA_CLIENT_ID: 'from-env',
      KEYTRAIL_INSTANCE_ID: 'correlator-2',
    });
    expect(config).toMatchObject({
      instanceId: 'correlator-2',
      dataDir: '/from/flag',
      origin: 'file.example/log',
      stages: ['ingest'],
      once: true,
      topics: { prefix: 'flag.' },
      kafka: { brokers: ['file-broker:9092'], partitions: 2, clientId: 'from-env' },
      inputs: [{ source: 'app', path: '/from/flag/events.ndjson' }],
      export: { to: '/from/file/worm', schedule: { everyMs: 60_000, everyEntries: 500 } },
    });
    // The file says once: true; --no-once runs the same configuration as a stream.
    expect(parseRunCommand(runCommand, ['--config', path, '--no-once'], {}).config.once).toBe(false);
    expect(() => parseRunCommand(runCommand, ['--config', path, '--no-data-dir'], {})).toThrow(/^Unknown option '--no-data-dir'/);
    expect(parseRunCommand(runCommand, ['--config', path], { KEYTRAIL_DATA_DIR: '/from/env', KEYTRAIL_KAFKA_BROKERS: 'env-broker:9092' }).config).toMatchObject({ dataDir: '/from/env', instanceId: 'from-file', kafka: { brokers: ['env-broker:9092'], partitions: 8 } });
  });

  it('refuses --once with the Vault follower and listeners, naming each, and exits 2', () => {
    const sources = [
      'sources:',
      '  aws: {lookup: [{region: eu-west-1}]}',
      '  vault: {file: [{path: /var/log/vault/audit.log}], socket: [{port: 9090}, {port: 9091}]}',
      '  app: {http: {token: {env: KEYTRAIL_APP_TOKEN}}, topic: [{topic: acme.events}]}',
    ];
    const byFlag = ['run', '--once', '--config', writeConfig([`dataDir: ${tempDir()}`, ...sources].join('\n'))];
    const byFile = ['run', '--config', writeConfig([`dataDir: ${tempDir()}`, 'once: true', ...sources].join('\n'))];
    for (const args of [byFlag, byFile]) {
      const result = runCli(args);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^error CLI_CONFIG_INVALID: invalid configuration: /);
      for (const source of ['sources.vault.file.[0]', 'sources.vault.socket.[0]', 'sources.vault.socket.[1]', 'sources.app.http']) expect(result.stderr).toContain(`${source}: cannot run with --once`);
      expect(result.stderr).not.toContain('sources.aws');
      expect(result.stderr).not.toContain('sources.app.topic');
    }
  });

  it('reports every problem of the file and the flags at once, each with its path', () => {
    const path = writeConfig(
      [
        `dataDir: ${tempDir()}`,
        'correlate: {idleTimeoutMs: -5}',
        'sources:',
        '  aws: {lookup: [{endpoint: "http://127.0.0.1:1"}]}',
        '  azure: {logs: [{workspaceId: ws-1}]}',
        '  vault: {flie: [{path: /var/log/vault/audit.log}]}',
        '  app: {http: {token: "s3cret-in-the-file"}}',
      ].join('\n'),
    );
    const result = runCli(['run', '--config', path, '--partitions', 'four', '--stages', 'ingest,sort', '--instance-id', 'correlator 1']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error CLI_CONFIG_INVALID: /);
    const problems = ['correlate.idleTimeoutMs', 'sources.aws.lookup.[0].region', 'sources.azure.logs.[0].tokenFile: name the access token by reference', 'sources.vault: Unrecognized key: "flie"', 'sources.app.http.token', 'embedded.partitions', 'stages.[1]', 'instanceId: letters, digits and . _ : - only'];
    for (const problem of problems) expect(result.stderr).toContain(problem);
  });

  it('names the line of a YAML syntax error and of a repeated key, and exits 3 for a file it cannot read', () => {
    const path = writeConfig('dataDir: /tmp/x\nsources:\n  vault: {file: [{path: /a}]\nonce: true\nonce: false\n');
    const broken = runCli(['run', '--config', path]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/^error CLI_CONFIG_INVALID: .* is not valid YAML or JSON: line \d+, column \d+: /);
    const repeated = runCli(['run', '--config', writeConfig('dataDir: /tmp/x\nonce: true\nonce: false\n')]);
    expect(repeated.stderr).toMatch(/^error CLI_CONFIG_INVALID: .*line 3, column 1: Map keys must be unique/);
    const missing = runCli(['run', '--config', join(tempDir(), 'absent.yaml')]);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/^error CLI_IO: cannot read the configuration file /);
    const list = runCli(['run', '--config', writeConfig('- dataDir: /tmp/x\n')]);
    expect(list.stderr).toMatch(/^error CLI_CONFIG_INVALID: .* does not hold a configuration object/);
  });

  it('keeps sources and inputs to the process that runs the ingest stage', () => {
    const path = writeConfig(`dataDir: ${tempDir()}\ninputs: [{source: app, path: events.ndjson}]\nsources: {aws: {lookup: [{region: eu-west-1}]}}\n`);
    const result = runCli(['run', '--config', path, '--stages', 'correlate,seal']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('inputs: files are read by the ingest stage, but this process runs correlate,seal');
    expect(result.stderr).toContain('sources: sources are read by the ingest stage, but this process runs correlate,seal');
  });
});

describe('keytrail run --config: sources that cannot start', () => {
  let blocker: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (blocker === undefined ? resolve(undefined) : blocker.close(resolve)));
    blocker = undefined;
  });

  it('exits 2 naming the missing token when the app intake token variable is not set, without waiting for a signal', async () => {
    const path = writeConfig(`dataDir: ${tempDir()}\nsources: {app: {http: {port: 0, token: {env: KEYTRAIL_TEST_UNSET_TOKEN}}}}\n`);
    const exit = await startKeytrail(['run', '--config', path]).exited;
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(/\nerror INGEST_SECRET_UNREADABLE: the secret in environment variable KEYTRAIL_TEST_UNSET_TOKEN is missing or empty\n/);
  });

  it('exits 3 when a listener cannot bind its address', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    const path = writeConfig(`dataDir: ${tempDir()}\nsources: {vault: {socket: [{host: 127.0.0.1, port: ${port}}]}}\n`);
    const exit = await startKeytrail(['run', '--config', path]).exited;
    expect(exit.code).toBe(3);
    expect(exit.stderr).toContain(`error INGEST_LISTENER_FAILED: cannot listen on 127.0.0.1:${port}`);
  });
});
