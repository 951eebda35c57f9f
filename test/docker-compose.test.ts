import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS } from '../src/cli/main.ts';
import type { ParsedRunConfig } from '../src/app/run-config.ts';
import { parseRunCommand, RUN_ENVIRONMENT, runCommand } from '../src/cli/run.ts';
import { REPO_ROOT } from './helpers/cli.ts';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const stageServices = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);
const kafka = compose.services.kafka!;

/** Docker passes environment values as strings. */
const envOf = (service: Service): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, String(value)]));

/** The repository file a container path of a bind mount (`./…:/target`) shows, if any. */
function hostPathOf(service: Service, containerPath: string): string | undefined {
  const mount = (service.volumes ?? []).map((volume) => volume.split(':')).find(([source, target]) => source!.startsWith('./') && (containerPath === target || containerPath.startsWith(`${target}/`)));
  return mount === undefined ? undefined : join(REPO_ROOT, mount[0]!, containerPath.slice(mount[1]!.length));
}

/** The service's command as the CLI parses it inside the container, its --config read from the mounted repository file. */
function parseService(service: Service): ParsedRunConfig {
  const argv = (service.command ?? []).slice(1);
  const config = argv.indexOf('--config');
  if (config >= 0) {
    const host = hostPathOf(service, argv[config + 1]!);
    expect(host, `${argv[config + 1]} is not mounted from the repository`).toBeDefined();
    argv[config + 1] = host!;
  }
  return parseRunCommand(runCommand, argv, envOf(service)).config;
}

/** Environment variables a configuration names as holding a secret. */
function referencedVariables(config: ParsedRunConfig): string[] {
  const token = config.sources.app.http?.token;
  return [
    ...(token !== undefined && 'env' in token ? [token.env] : []),
    ...config.sources.azure.logs.flatMap((logs) => (logs.tokenEnv === undefined ? [] : [logs.tokenEnv])),
    ...config.seal.signerKeys.flatMap((key) => ('env' in key ? [key.env] : [])),
  ];
}

describe('docker-compose.yml (no Docker engine here: the file is checked against the CLI and the config schema)', () => {
  it('runs the official Apache Kafka image as a single KRaft broker+controller that can hold its internal topics', () => {
    expect(kafka.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
    const env = envOf(kafka);
    expect(env).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_CONTROLLER_QUORUM_VOTERS: `${env.KAFKA_NODE_ID}@kafka:9093`,
    });
    expect(env.KAFKA_ADVERTISED_LISTENERS).toBe('PLAINTEXT://kafka:9092');
    expect(kafka.volumes?.some((volume) => volume.endsWith(`:${env.KAFKA_LOG_DIRS}`))).toBe(true);
  });

  it('has one service per stage, and each command parses with the CLI and validates against the run config schema', () => {
    expect(stageServices.map(([name]) => name).sort()).toEqual(['correlate', 'ingest', 'seal']);
    for (const [name, service] of stageServices) {
      expect(COMMANDS.map((command) => command.name)).toContain(service.command?.[0]);
      const config = parseService(service);
      expect(config.stages, name).toEqual([name]);
      expect(config.kafka?.brokers, name).toEqual(['kafka:9092']);
      expect(config.kafka?.partitions, name).toBe(4);
      // Every stage streams until `docker compose stop`; the ingest service's listeners would refuse --once.
      expect(config.once, name).toBe(false);
    }
  });

  it('gives the ingest service its configuration file, whose listeners bind all interfaces on published ports', () => {
    const ingest = compose.services.ingest!;
    expect(ingest.command).toContain('--config');
    expect(ingest.volumes?.find((volume) => volume.endsWith(':/etc/keytrail/ingest.yaml:ro'))).toBeDefined();
    const config = parseService(ingest);
    const listeners = [...config.sources.vault.socket, ...(config.sources.app.http === undefined ? [] : [config.sources.app.http])];
    expect(listeners.map((listener) => listener.port).sort()).toEqual([8787, 9090]);
    for (const listener of listeners) {
      expect(listener.host).toBe('0.0.0.0');
      expect(ingest.ports).toContain(`${listener.port}:${listener.port}`);
    }
    expect(config.inputs.map((input) => input.source)).toEqual(['aws', 'app']);
  });

  it('uses only environment variables keytrail reads or its configuration names, and keeps every stage on the broker the compose file starts', () => {
    for (const [name, service] of stageServices) {
      const allowed = [...RUN_ENVIRONMENT, ...referencedVariables(parseService(service))];
      for (const variable of Object.keys(service.environment ?? {})) expect(allowed, `${name}: ${variable}`).toContain(variable);
      expect(service.depends_on?.kafka?.condition, name).toBe('service_healthy');
    }
    // A secret has no default in the file: compose refuses to start without it.
    expect(compose.services.ingest!.environment?.KEYTRAIL_APP_TOKEN).toMatch(/^\$\{KEYTRAIL_APP_TOKEN:\?.+\}$/);
  });

  it('keeps each stage state in its own directory on a named volume, and ingests inputs that exist in the repository', () => {
    const dataDirs = new Set<string>();
    for (const [name, service] of stageServices) {
      const config = parseService(service);
      const mount = (service.volumes ?? []).map((volume) => volume.split(':')).find(([, target]) => config.dataDir.startsWith(`${target}/`));
      expect(mount, name).toBeDefined();
      expect(Object.keys(compose.volumes)).toContain(mount![0]);
      dataDirs.add(config.dataDir);
      for (const input of config.inputs) {
        const [hostDir, containerDir] = (service.volumes ?? []).map((volume) => volume.split(':')).find(([, target]) => input.path.startsWith(`${target}/`))!;
        expect(existsSync(join(REPO_ROOT, hostDir!, input.path.slice(containerDir!.length))), input.path).toBe(true);
      }
    }
    expect(dataDirs.size).toBe(stageServices.length);
  });

  it('builds the stages from a Dockerfile whose entry point is the keytrail CLI', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "--no-warnings", "bin\/keytrail\.js"\]$/m);
    for (const [, service] of stageServices) expect(service.build).toBe('.');
  });
});
