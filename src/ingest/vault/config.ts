import { z } from 'zod';
import { RetryPolicy } from '../retry-policy.ts';

const pairing = {
  /** A request entry whose response entry has not arrived after this long is published on its own. */
  pairTimeoutMs: z.int().min(1).default(60_000),
  /** Parked request entries kept at most; beyond, the oldest is published on its own. */
  maxParked: z.int().min(1).default(100_000),
  /** Entries normalised and published per bus batch. */
  maxBatchLines: z.int().min(1).default(500),
  /** The device's `prefix` option: removed from the start of every line before parsing. */
  prefix: z.string().default(''),
};

/**
 * `sources.vault.file`: follow a file audit device's log like `tail -F`. The cursor (inode, byte offset and a
 * hash of the file's first bytes) and the parked request entries are stored with each published batch.
 */
export const VaultFileFollowConfig = z.strictObject({
  path: z.string().min(1),
  cursorName: z.string().min(1).optional(),
  pollIntervalMs: z.int().min(1).default(1000),
  /** Where to start a file keytrail has never read: from its first line, or only new lines. */
  startAt: z.enum(['beginning', 'end']).default('beginning'),
  readChunkBytes: z.int().min(4096).default(1024 * 1024),
  /** Backoff and give-up when the file cannot be read or a batch cannot be published (retry-policy.ts). */
  retry: RetryPolicy.prefault({}),
  ...pairing,
});
export type VaultFileFollowConfig = z.input<typeof VaultFileFollowConfig>;

/**
 * `sources.vault.socket`: listen for a socket audit device (`vault audit enable socket address=HOST:PORT
 * socket_type=tcp`). Vault writes one JSON entry per line and blocks its requests while no device can write.
 */
export const VaultSocketConfig = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.int().min(0).max(65_535).default(9090),
  /** A line longer than this is dead-lettered in pieces rather than buffered without bound. */
  maxLineBytes: z.int().min(1024).default(16 * 1024 * 1024),
  ...pairing,
});
export type VaultSocketConfig = z.input<typeof VaultSocketConfig>;
