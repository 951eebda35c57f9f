import { z } from 'zod';
import { pollApiSource } from './api-poller.ts';
import { AppHttpIntakeConfig, AppTopicIntakeConfig } from './app/config.ts';
import { createAppHttpIntake } from './app/http-intake.ts';
import { createAppTopicIntake } from './app/topic-intake.ts';
import { AwsLookupConfig } from './aws/config.ts';
import { createCloudTrailLookupSource } from './aws/lookup-source.ts';
import { emptyCounts, type IngestCounts, type IngestDeps } from './publisher.ts';
import type { Wait } from './rate-limiter.ts';
import { VaultFileFollowConfig, VaultSocketConfig } from './vault/config.ts';
import { createVaultFileFollower } from './vault/follower.ts';
import { createVaultSocketListener } from './vault/socket.ts';

/**
 * The long-running inputs of `keytrail run` (without --once), under `inputs` in the configuration. Each list
 * may hold several (accounts, Regions, devices, topics).
 */
export const ContinuousInputsConfig = z.strictObject({
  aws: z.strictObject({ lookup: z.array(AwsLookupConfig).default([]) }).default({ lookup: [] }),
  vault: z.strictObject({ file: z.array(VaultFileFollowConfig).default([]), socket: z.array(VaultSocketConfig).default([]) }).default({ file: [], socket: [] }),
  app: z.strictObject({ http: AppHttpIntakeConfig.optional(), topic: z.array(AppTopicIntakeConfig).default([]) }).default({ topic: [] }),
});
export type ContinuousInputsConfig = z.input<typeof ContinuousInputsConfig>;

export interface RunningInputs {
  /** Bound addresses of the listeners, by input name. */
  addresses: Record<string, { host: string; port: number }>;
  /** Counts so far, by input name. */
  counts(): Record<string, IngestCounts>;
  /** Rejects with the first input's failure that retries could not overcome; stop() still has to be called. */
  failed: Promise<never>;
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
export async function startContinuousInputs(input: ContinuousInputsConfig, deps: IngestDeps & { env?: NodeJS.ProcessEnv; wait?: Wait }): Promise<RunningInputs> {
  const config = ContinuousInputsConfig.parse(input);
  const controller = new AbortController();
  const { signal } = controller;
  const running: Running[] = [];
  const addresses: RunningInputs['addresses'] = {};
  try {
    for (const lookup of config.aws.lookup) {
      const source = createCloudTrailLookupSource(lookup, { clock: deps.clock, wait: deps.wait });
      const counts = emptyCounts();
      const done = pollApiSource(source, deps, { untilCaughtUp: false, signal, pollIntervalMs: lookup.pollIntervalMs, wait: deps.wait, counts });
      running.push({ name: source.cursorName, counts: () => counts, done });
    }
    for (const file of config.vault.file) {
      const follower = createVaultFileFollower(file, deps);
      running.push({ name: `vault-file:${file.path}`, counts: () => follower.counts, done: follower.run({ signal }), close: follower.close });
    }
    for (const socket of config.vault.socket) {
      const listener = createVaultSocketListener(socket, deps);
      const name = `vault-socket:${socket.host ?? '127.0.0.1'}:${socket.port ?? 9090}`;
      addresses[name] = await listener.listen();
      running.push({ name, counts: () => listener.counts, done: listener.run({ signal }), close: listener.close });
    }
    if (config.app.http !== undefined) {
      const intake = createAppHttpIntake(config.app.http, deps);
      addresses['app-http'] = await intake.listen();
      running.push({ name: 'app-http', counts: () => intake.counts, done: Promise.resolve(), close: intake.close });
    }
    for (const topic of config.app.topic) {
      const intake = createAppTopicIntake(topic, deps);
      running.push({ name: `app-topic:${topic.topic}`, counts: () => intake.counts, done: intake.run({ signal }) });
    }
  } catch (error) {
    controller.abort();
    await Promise.allSettled(running.map((input) => input.done));
    await Promise.allSettled(running.map((input) => input.close?.()));
    throw error;
  }
  const failed = Promise.race(running.map((input) => input.done.then(() => new Promise<never>(() => undefined)))) as Promise<never>;
  failed.catch(() => controller.abort());
  return {
    addresses,
    counts: () => Object.fromEntries(running.map((input) => [input.name, input.counts()])),
    failed,
    async stop() {
      controller.abort();
      await Promise.allSettled(running.map((input) => input.done));
      await Promise.allSettled(running.map((input) => input.close?.()));
    },
  };
}
