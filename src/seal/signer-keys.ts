import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { dataDirPath } from '../core/data-dir.ts';
import { KeytrailError } from '../core/errors.ts';
import type { SignerKeyRef } from './config.ts';
import { createNoteSigner, type NoteSigner } from './signer.ts';

/**
 * Loads checkpoint signers from their references. The key text is read, parsed and dropped: it is
 * never logged, never put in an error message, and only the key object inside the signer keeps it.
 */
export function loadNoteSigners(refs: readonly SignerKeyRef[], env: NodeJS.ProcessEnv, origin: string): NoteSigner[] {
  const signers = refs.map((ref) => createNoteSigner(readSignerKey(ref, env)));
  for (const signer of signers) {
    if (signer.name !== origin) {
      throw new KeytrailError('CLI_CONFIG_INVALID', `a signer key is named ${signer.name} but the log origin is ${origin}; C2SP checkpoints want the key name to equal the origin`);
    }
  }
  const ids = new Set(signers.map((signer) => signer.keyId.toString('hex')));
  if (ids.size !== signers.length) throw new KeytrailError('CLI_CONFIG_INVALID', 'the same signer key is configured twice');
  return signers;
}

function readSignerKey(ref: SignerKeyRef, env: NodeJS.ProcessEnv): string {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined || value.trim() === '') throw new KeytrailError('SEAL_SIGNER_KEY_MISSING', `environment variable ${ref.env} is not set; it should hold a PRIVATE+KEY signer key`);
    return value;
  }
  try {
    return readFileSync(ref.file, 'utf8');
  } catch (error) {
    throw new KeytrailError('CORE_KEY_FILE_UNREADABLE', `cannot read the signer key file ${ref.file}`, { cause: error });
  }
}

/**
 * keys/verifier.key lists every key that ever signed this log, one per line, so old checkpoints stay
 * verifiable after a rotation. Keys already listed are left alone; new ones are appended.
 */
export function recordVerifierKeys(dataDir: string, signers: readonly NoteSigner[]): void {
  const path = dataDirPath(dataDir, 'verifierKey');
  const known = existsSync(path) ? readFileSync(path, 'utf8').split('\n').map((line) => line.trim()) : [];
  const missing = signers.map((signer) => signer.verifierKey).filter((key) => !known.includes(key));
  if (missing.length === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, missing.map((key) => `${key}\n`).join(''), { mode: 0o644 });
}
