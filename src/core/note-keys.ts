import { sha256 } from './hash.ts';
import { KeytrailError } from './errors.ts';

/** C2SP signed-note signature type for Ed25519 (signed-note.md, "Signature types"). */
export const NOTE_ALG_ED25519 = 0x01;

export interface NoteKey {
  name: string;
  /** 4-byte key ID: SHA-256(name ‖ "\n" ‖ type ‖ key)[:4]. */
  keyId: Buffer;
  /** Raw 32-byte Ed25519 public key (verifier) or seed (signer). */
  key: Buffer;
}

// Key names are non-empty, without spaces, '+' or control characters (C2SP signed-note).
const KEY_NAME = /^[^\s+\p{Cc}]+$/u;

export function assertKeyName(name: string): void {
  if (!KEY_NAME.test(name)) {
    throw new KeytrailError('CORE_KEY_INVALID', `key name ${JSON.stringify(name)} must be non-empty and contain no spaces, '+' or control characters`);
  }
}

/** Key ID of an Ed25519 verifier key, as defined by C2SP signed-note. */
export function computeNoteKeyId(name: string, publicKey: Uint8Array): Buffer {
  return sha256(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([NOTE_ALG_ED25519]), publicKey])).subarray(0, 4);
}

/** `<name>+<8 hex key ID>+<base64(0x01 ‖ public key)>`, the verifier key string of golang.org/x/mod/sumdb/note. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  assertKeyName(name);
  return `${name}+${computeNoteKeyId(name, publicKey).toString('hex')}+${encodeTypedKey(publicKey)}`;
}

/** `PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x01 ‖ seed)>`; the key ID is that of the matching public key. */
export function formatSignerKey(name: string, seed: Uint8Array, publicKey: Uint8Array): string {
  assertKeyName(name);
  return `PRIVATE+KEY+${name}+${computeNoteKeyId(name, publicKey).toString('hex')}+${encodeTypedKey(seed)}`;
}

export function parseVerifierKey(text: string): NoteKey {
  const parts = splitN(text.trim(), '+', 3);
  if (parts.length !== 3) invalid('verifier key must be name+hash+key');
  const [name, hash, encoded] = parts as [string, string, string];
  const key = decodeTypedKey(encoded, 'verifier');
  assertKeyName(name);
  const keyId = computeNoteKeyId(name, key);
  if (hash !== keyId.toString('hex')) invalid(`verifier key hash ${hash} does not match its name and key (expected ${keyId.toString('hex')})`);
  return { name, keyId, key };
}

/** Parses a signer key; the key ID is checked later against the derived public key by the signer. */
export function parseSignerKey(text: string): NoteKey {
  const parts = splitN(text.trim(), '+', 5);
  if (parts.length !== 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') invalid('signer key must be PRIVATE+KEY+name+hash+key');
  const [, , name, hash, encoded] = parts as [string, string, string, string, string];
  assertKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(hash)) invalid('signer key hash must be 8 lowercase hex digits');
  return { name, keyId: Buffer.from(hash, 'hex'), key: decodeTypedKey(encoded, 'signer') };
}

function decodeTypedKey(encoded: string, what: string): Buffer {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.toString('base64') !== encoded) invalid(`${what} key is not standard base64`);
  if (bytes.length !== 33 || bytes[0] !== NOTE_ALG_ED25519) invalid(`${what} key must be an Ed25519 key (type 0x01 and 32 bytes)`);
  return bytes.subarray(1);
}

/** Splits into at most `limit` parts, the last keeping the rest (base64 key material may contain '+'). */
function splitN(text: string, separator: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < limit - 1) {
    const at = rest.indexOf(separator);
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  parts.push(rest);
  return parts;
}

function encodeTypedKey(key: Uint8Array): string {
  return Buffer.concat([Buffer.from([NOTE_ALG_ED25519]), key]).toString('base64');
}

function invalid(message: string): never {
  throw new KeytrailError('CORE_KEY_INVALID', message);
}
