import { z } from 'zod';
import { schemaError } from '../core/schema-error.ts';

/** A signer key by reference: a file holding `PRIVATE+KEY+…`, or the name of an environment variable that does. */
export const SignerKeyRef = z.union([
  z.strictObject({ file: z.string().min(1).describe('Path to a file holding one PRIVATE+KEY+name+hash+key line') }),
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').describe('Environment variable holding the signer key') }),
]);
export type SignerKeyRef = z.infer<typeof SignerKeyRef>;

/** Defaults the verifier also assumes for freshness unless told otherwise (docs/FORMAT.md, "Freshness"). */
export const DEFAULT_CHECKPOINT_EVERY_MS = 1_000;
export const DEFAULT_HEARTBEAT_MS = 60_000;

export const SealerConfig = z
  .strictObject({
    checkpointEveryEntries: z.int().min(1).default(10_000).describe('Sign a checkpoint once this many entries are beyond the newest one'),
    checkpointEveryMs: z.int().min(1).default(DEFAULT_CHECKPOINT_EVERY_MS).describe('Sign a checkpoint once unsigned entries are this old'),
    heartbeatMs: z.int().min(1).default(DEFAULT_HEARTBEAT_MS).describe('Sign a checkpoint at least this often, even when no entry arrived'),
    maxBatchMessages: z.int().min(1).default(1_000).describe('Records per bus batch, i.e. per SQLite transaction (group commit)'),
    signerKeys: z
      .array(SignerKeyRef)
      .default([])
      .describe('Checkpoint signers; two during a key rotation (both sign every checkpoint). Empty: the data directory key'),
  })
  .refine((config) => config.heartbeatMs >= config.checkpointEveryMs, { path: ['heartbeatMs'], message: 'the heartbeat cannot be shorter than checkpointEveryMs' });
export type SealerConfig = z.output<typeof SealerConfig>;
export type SealerConfigInput = z.input<typeof SealerConfig>;

export function parseSealerConfig(input: unknown): SealerConfig {
  const parsed = SealerConfig.safeParse(input ?? {});
  if (!parsed.success) throw schemaError('CLI_CONFIG_INVALID', 'invalid sealer configuration', parsed.error);
  return parsed.data;
}
