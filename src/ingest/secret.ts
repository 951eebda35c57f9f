import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { KeytrailError } from '../core/errors.ts';

/** A secret named by reference, never written in the configuration: an environment variable or a file. */
export const SecretRef = z.union([
  z.strictObject({ env: z.string().min(1).describe('Name of the environment variable holding the secret') }),
  z.strictObject({ file: z.string().min(1).describe('Path of a file holding the secret (one trailing newline is ignored)') }),
]);
export type SecretRef = z.infer<typeof SecretRef>;

export function readSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  let value: string | undefined;
  if ('env' in ref) {
    value = env[ref.env];
  } else {
    try {
      value = readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new KeytrailError('INGEST_SECRET_UNREADABLE', `cannot read the secret file ${ref.file}: ${(error as Error).message}`, { cause: error });
    }
  }
  if (value === undefined || value === '') {
    const where = 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
    throw new KeytrailError('INGEST_SECRET_UNREADABLE', `the secret in ${where} is missing or empty`);
  }
  return value;
}
