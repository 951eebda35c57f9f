import { formatCheckpointBody, SIGNATURE_LINE_PREFIX, type CheckpointBody } from '../core/checkpoint-format.ts';
import type { NoteSigner } from './signer.ts';

/**
 * A C2SP signed note over the checkpoint body: the body, one blank line, then one line per signer,
 * `— <name> <base64(key ID ‖ signature)>`. Several signers let a rotation carry old and new keys.
 */
export function signCheckpoint(body: CheckpointBody, signers: readonly NoteSigner[]): string {
  const text = formatCheckpointBody(body);
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map((signer) => `${SIGNATURE_LINE_PREFIX}${signer.name} ${Buffer.concat([signer.keyId, signer.sign(message)]).toString('base64')}\n`);
  return `${text}\n${lines.join('')}`;
}
