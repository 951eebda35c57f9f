import { z } from 'zod';
import { SecretRef } from '../secret.ts';

/** `sources.app.http`: the app event intake endpoint, `POST /v1/app-events`. */
export const AppHttpIntakeConfig = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.int().min(0).max(65_535).default(8787),
  /** The bearer token applications send (`Authorization: Bearer …`), by reference. */
  token: SecretRef,
  /** Larger bodies are refused with 413 before anything in them is accepted. */
  maxBodyBytes: z.int().min(1).default(1024 * 1024),
});
export type AppHttpIntakeConfig = z.input<typeof AppHttpIntakeConfig>;

/** `sources.app.topic`: app events that applications publish to a topic of their own. */
export const AppTopicIntakeConfig = z.strictObject({
  topic: z.string().regex(/^[A-Za-z0-9._-]+$/, 'Kafka topic names allow letters, digits, ".", "_" and "-"'),
  group: z.string().min(1).default('keytrail-app-intake'),
  maxBatchMessages: z.int().min(1).default(500),
});
export type AppTopicIntakeConfig = z.input<typeof AppTopicIntakeConfig>;
