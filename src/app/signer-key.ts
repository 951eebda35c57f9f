import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { dataDirPath } from '../core/data-dir.ts';
import { KeytrailError } from '../core/errors.ts';
import { createNoteSigner, generateNoteKeyPair, type NoteSigner } from '../seal/signer.ts';

export interface LoadedSignerKey {
  signer: NoteSigner;
  generated: boolean;
  path: string;
}

/**
 * The signer key is read by reference and never printed. Without one configured, a key is generated
 * once into the data directory (mode 0600); the caller records its verifier key beside it.
 */
export function loadOrCreateSignerKey(dataDir: string, origin: string, configured: string | undefined): LoadedSignerKey {
  const path = configured ?? dataDirPath(dataDir, 'signerKey');
  let generated = false;
  if (configured === undefined && !existsSync(path)) {
    const pair = generateNoteKeyPair(origin);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${pair.signerKey}\n`, { mode: 0o600, flag: 'wx' });
    generated = true;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KeytrailError('CORE_KEY_FILE_UNREADABLE', `cannot read the signer key file ${path}`, { cause: error });
  }
  const signer = createNoteSigner(text);
  if (signer.name !== origin) {
    throw new KeytrailError('CLI_CONFIG_INVALID', `the signer key is named ${signer.name} but the log origin is ${origin}; C2SP checkpoints want the key name to equal the origin`);
  }
  return { signer, generated, path };
}
