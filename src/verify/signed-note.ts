import { createPublicKey, verify } from 'node:crypto';
import { SIGNATURE_LINE_PREFIX } from '../core/checkpoint-format.ts';
import type { NoteKey } from '../core/note-keys.ts';

export interface NoteSignatureLine {
  name: string;
  keyId: Buffer;
  signature: Buffer;
}

/** Why a note was rejected: it is not a signed note, no trusted key signed it, or a trusted key's signature fails. */
export type NoteRejection = 'malformed' | 'untrusted' | 'bad-signature';

export type NoteCheck =
  | { ok: true; body: string; verifiedBy: string[] }
  | { ok: false; reason: string; rejection: NoteRejection };

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4). */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Verifies a C2SP signed note: the text, a blank line, then signature lines `— name base64(id ‖ sig)`.
 * Signatures by unknown (name, key ID) pairs are ignored; a known key whose signature fails rejects the
 * note; at least one known key must verify.
 */
export function verifySignedNote(note: string, trusted: readonly NoteKey[]): NoteCheck {
  const split = note.indexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return { ok: false, reason: 'not a signed note: no blank line before the signatures, or no final newline', rejection: 'malformed' };
  const body = note.slice(0, split + 1);
  const lines = parseSignatureLines(note.slice(split + 2));
  if (typeof lines === 'string') return { ok: false, reason: lines, rejection: 'malformed' };
  const message = Buffer.from(body, 'utf8');
  const verifiedBy: string[] = [];
  for (const line of lines) {
    const key = trusted.find((candidate) => candidate.name === line.name && candidate.keyId.equals(line.keyId));
    if (key === undefined) continue;
    const publicKey = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, key.key]), format: 'der', type: 'spki' });
    if (line.signature.length !== 64 || !verify(null, message, publicKey, line.signature)) {
      return { ok: false, reason: `the signature by trusted key ${line.name}+${line.keyId.toString('hex')} does not verify`, rejection: 'bad-signature' };
    }
    verifiedBy.push(`${line.name}+${line.keyId.toString('hex')}`);
  }
  if (verifiedBy.length === 0) {
    const names = lines.map((line) => `${line.name}+${line.keyId.toString('hex')}`).join(', ');
    return { ok: false, reason: `no trusted key signed it (signed by: ${names || 'nobody'})`, rejection: 'untrusted' };
  }
  return { ok: true, body, verifiedBy };
}

function parseSignatureLines(text: string): NoteSignatureLine[] | string {
  if (!text.endsWith('\n')) return 'signature block does not end with a newline';
  const lines = text.slice(0, -1).split('\n');
  const parsed: NoteSignatureLine[] = [];
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_LINE_PREFIX)) return `signature line ${JSON.stringify(line.slice(0, 40))} does not start with an em dash`;
    const [name, encoded, extra] = line.slice(SIGNATURE_LINE_PREFIX.length).split(' ');
    if (name === undefined || encoded === undefined || extra !== undefined || name === '') return 'signature line is not "— name signature"';
    const bytes = Buffer.from(encoded, 'base64');
    if (bytes.length < 5 || bytes.toString('base64') !== encoded) return `signature of ${name} is not base64 of a key ID and a signature`;
    parsed.push({ name, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) });
  }
  return parsed;
}
