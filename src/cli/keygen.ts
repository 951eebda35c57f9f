import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeytrailError } from '../core/errors.ts';
import { assertKeyName } from '../core/note-keys.ts';
import { generateNoteKeyPair } from '../seal/signer.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, usageError } from './command.ts';

/** `keytrail keygen --name ORIGIN --out DIR`: an Ed25519 signer key (0600) and its C2SP verifier key. */
export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'generate an Ed25519 checkpoint signing key and its verifier key',
  usage: 'keytrail keygen --name ORIGIN --out DIR',
  async run(argv, io) {
    const { values } = parseCommandArgs(this, argv, { name: { type: 'string' }, out: { type: 'string' } });
    if (values.name === undefined || values.out === undefined) throw usageError(this, '--name and --out are required');
    assertKeyName(values.name);
    const signerPath = join(values.out, 'signer.key');
    const verifierPath = join(values.out, 'verifier.key');
    for (const path of [signerPath, verifierPath]) {
      if (existsSync(path)) throw new KeytrailError('CLI_IO', `${path} exists; keygen never overwrites a key`);
    }
    const pair = generateNoteKeyPair(values.name);
    try {
      mkdirSync(values.out, { recursive: true, mode: 0o700 });
      writeFileSync(signerPath, `${pair.signerKey}\n`, { mode: 0o600, flag: 'wx' });
      writeFileSync(verifierPath, `${pair.verifierKey}\n`, { mode: 0o644, flag: 'wx' });
    } catch (error) {
      throw new KeytrailError('CLI_IO', `cannot write keys to ${values.out}: ${(error as Error).message}`, { cause: error });
    }
    io.stdout(`signer key   ${signerPath} (mode 0600; keep it secret)\nverifier key ${verifierPath}\n${pair.verifierKey}\n`);
    return 0;
  },
};
