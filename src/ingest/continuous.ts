import { z } from 'zod';
import { KeytrailError } from '../core/errors.ts';
import { pollApiSource, type ApiSource } from './api-poller.ts';
import type { RetryPolicy, SourceRetry } from './retry-policy.ts';
import { AppHttpIntakeConfig, AppTopicIntakeConfig } from './app/config.ts';
import { createAppHttpIntake } from './app/http-intake.ts';
import { createAppTopicIntake } from './app/topic-intake.ts';
import { AwsLookupConfig } from './aws/config.ts';
import { createCloudTrailLookupSource } from './aws/lookup-source.ts';
import { createAzureLogsSource } from './azure/api-source.ts';
import { AzureLogsInputConfig } from './azure/config.ts';
import { createReferencedTokenCredential } from './azure/token-credential.ts';
import { createGcpLoggingSource } from './gcp/api-source.ts';
import { GcpLoggingInputConfig } from './gcp/config.ts';
import { emptyCounts, type IngestCounts, type IngestDeps } from './publisher.ts';
import type { Wait } from './rate-limiter.ts';
import { VaultFileFollowConfig, VaultSocketConfig } from './vault/config.ts';
import { createVaultFileFollower } from './vault/follower.ts';
import { createVaultSocketListener } from './vault/socket.ts';

/** In the run configuration the token must be named; only a program may inject a credential instead. */
const AzureLogsSourceConfig = AzureLogsInputConfig.refine((config) => config.tokenFile !== undefined || config.tokenEnv !== undefined, {
  message: 'name the access token by reference: tokenFile (a path) or tokenEnv (an environment variable)',
  path: ['tokenFile'],
});

/**
 * The long-running inputs of `keytrail run`, under `sources` in the run configuration. Each list may hold
 * several (accounts, Regions, projects, workspaces, devices, topics).
 */
export const ContinuousInputsConfig = z.strictObject({
  aws: z.strictObject({ lookup: z.array(AwsLookupConfig).default([]) }).default({ lookup: [] }),
  gcp: z.strictObject({ logging: z.array(GcpLoggingInputConfig).default([]) }).default({ logging: [] }),
  azure: z.strictObject({ logs: z.array(AzureLogsSourceConfig).default([]) }).default({ logs: [] }),
  vault: z.strictObject({ file: z.array(VaultFileFollowConfig).default([]), socket: z.array(VaultSocketConfig).default([]) }).default({ file: [], socket: [] }),
  app: z.strictObject({ http: AppHttpIntakeConfig.optional(), topic: z.array(AppTopicIntakeConfig).default([]) }).default({ topic: [] }),
});
export type ContinuousInputsConfig = z.input<typeof ContinuousInputsConfig>;
export type ParsedContinuousInputs = z.output<typeof ContinuousInputsConfig>;

/**
 * The inputs that only make sense while the process runs (they wait for someone else to write), with their
 * configuration paths: none of them can finish a backfill.
 */
export function listUnboundedInputs(config: ParsedContinuousInputs): { path: (string | number)[]; why: string }[] {
  return [
    ...config.vault.file.map((_, index) => ({ path: ['vault', 'file', index], why: 'follows the file until stopped; read a Vault log once with --input vault:PATH' })),
    ...config.vault.socket.map((_, index) => ({ path: ['vault', 'socket', index], why: 'listens until stopped' })),
    ...(config.app.http === undefined ? [] : [{ path: ['app', 'http'], why: 'listens until stopped; read app events once with --input app:PATH' }]),
  ];
}

export function countContinuousInputs(config: ParsedContinuousInputs): number {
  return config.aws.lookup.length + config.gcp.logging.length + config.azure.logs.length + config.vault.file.length + config.vault.socket.length + (config.app.http === undefined ? 0 : 1) + config.app.topic.length;
}

export interface StartOptions {
  /**
   * `stream` (default): every input runs until stop(). `backfill`: API sources read until caught up and topic
   * intakes until idle, then return; listeners and the file follower are refused (they would never finish).
   */
  mode?: 'stream' | 'backfill';
  env?: NodeJS.ProcessEnv;
  wait?: Wait;
  /** Told of each retriable failure of a polling source (logged as a warning by `keytrail run`). */
  onRetry?: (retry: SourceRetry) => void;
}

export interface RunningInputs {
  /** Every input, by name (`aws-lookup:eu-west-1`, `vault-socket:0.0.0.0:9090`, `app-http`, …), in start order. */
  names: string[];
  /** Bound addresses of the listeners, by input name. */
  addresses: Record<string, { host: string; port: number }>;
  /** Counts so far, by input name. */
  counts(): Record<string, IngestCounts>;
  /** Rejects with the first input's failure that retries could not overcome; stop() still has to be called. */
  failed: Promise<never>;
  /** Resolves once every input returned on its own (a backfill caught up); rejects like `failed`. */
  finished: Promise<void>;
  /** Stops every input after the batch in hand is durable, and closes the listeners. */
  stop(): Promise<void>;
}

interface Running {
  name: string;
  counts: () => IngestCounts;
  done: Promise<unknown>;
  close?: () => Promise<void>;
}

/**
 * Starts every configured input on its own loop. Listeners are bound before this resolves, so a bad address
 * fails the start (INGEST_LISTENER_FAILED); a missing token fails it too (INGEST_SECRET_UNREADABLE).
 */
export async function startContinuousInputs(input: ContinuousInputsConfig, deps: IngestDeps & StartOptions): Promise<RunningInputs> {
  const config = ContinuousInputsConfig.parse(input);
  const backfill = deps.mode === 'backfill';
  const unbounded = listUnboundedInputs(config).map((input) => input.path.map((part) => (typeof part === 'number' ? `[${part}]` : part)).join('.'));
  if (backfill && unbounded.length > 0) {
    throw new KeytrailError('CLI_CONFIG_INVALID', `these sources run until stopped and cannot backfill: ${unbounded.join(', ')}`, { details: { sources: unbounded } });
  }
  const controller = new AbortController();
  const { signal } = controller;
  const running: Running[] = [];
  const addresses: RunningInputs['addresses'] = {};
  const poll = (source: ApiSource, { pollIntervalMs, retry }: { pollIntervalMs: number; retry: RetryPolicy }): void => {
    const counts = emptyCounts();
    const done = pollApiSource(source, deps, { untilCaughtUp: backfill, signal, pollIntervalMs, retry, wait: deps.wait, counts, onRetry: deps.onRetry });
    running.push({ name: source.cursorName, counts: () => counts, done, close: source.close });
  };
  try {
    for (const lookup of config.aws.lookup) poll(createCloudTrailLookupSource(lookup, { clock: deps.clock, wait: deps.wait }), lookup);
    for (const logging of config.gcp.logging) poll(createGcpLoggingSource(logging, { clock: deps.clock }), logging);
    for (const logs of config.azure.logs) poll(createAzureLogsSource(logs, { clock: deps.clock, credential: createReferencedTokenCredential(logs, deps.env) }), logs);
    for (const file of config.vault.file) {
      const follower = createVaultFileFollower(file, deps);
      running.push({ name: file.cursorName ?? `vault-file:${file.path}`, counts: () => follower.counts, done: follower.run({ signal }), close: follower.close });
    }
    for (const socket of config.vault.socket) {
      const listener = createVaultSocketListener(socket, deps);
      const name = `vault-socket:${socket.host}:${socket.port}`;
      addresses[name] = await listener.listen();
      running.push({ name, counts: () => listener.counts, done: listener.run({ signal }), close: listener.close });
    }
    if (config.app.http !== undefined) {
      const intake = createAppHttpIntake(config.app.http, deps);
      addresses['app-http'] = await intake.listen();
      running.push({ name: 'app-http', counts: () => intake.counts, done: new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true })), close: intake.close });
    }
    for (const topic of config.app.topic) {
      const intake = createAppTopicIntake(topic, deps);
      running.push({ name: `app-topic:${topic.topic}`, counts: () => intake.counts, done: intake.run({ signal, untilIdle: backfill }) });
    }
  } catch (error) {
    controller.abort();
    await Promise.allSettled(running.map((input) => input.done));
    await Promise.allSettled(running.map((input) => input.close?.()));
    throw error;
  }
  const finished = Promise.all(running.map((input) => input.done)).then(() => undefined);
  const failed = Promise.race(running.map((input) => input.done.then(() => new Promise<never>(() => undefined)))) as Promise<never>;
  // Whoever awaits neither still gets the other inputs stopped on a failure.
  finished.catch(() => controller.abort());
  failed.catch(() => controller.abort());
  return {
    names: running.map((input) => input.name),
    addresses,
    counts: () => Object.fromEntries(running.map((input) => [input.name, input.counts()])),
    failed,
    finished,
    async stop() {
      controller.abort();
      await Promise.allSettled(running.map((input) => input.done));
      await Promise.allSettled(running.map((input) => input.close?.()));
    },
  };
}
