import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { KeytrailError } from '../core/errors.ts';
import { computeNoteKeyId, formatSignerKey, formatVerifierKey, parseSignerKey } from '../core/note-keys.ts';

/** Ed25519 PKCS#8 DER prefix for a 32-byte seed (RFC 8410 §7). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface NoteSigner {
  name: string;
  keyId: Buffer;
  verifierKey: string;
  /** Signs a note body; returns the raw 64-byte Ed25519 signature. */
  sign(message: Buffer): Buffer;
}

/** A signer from a `PRIVATE+KEY+name+hash+key` string. The key text itself is never logged or kept. */
export function createNoteSigner(signerKeyText: string): NoteSigner {
  const parsed = parseSignerKey(signerKeyText);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, parsed.key]), format: 'der', type: 'pkcs8' });
  const publicKey = rawPublicKey(privateKey);
  const keyId = computeNoteKeyId(parsed.name, publicKey);
  if (!keyId.equals(parsed.keyId)) {
    throw new KeytrailError('CORE_KEY_INVALID', `signer key hash ${parsed.keyId.toString('hex')} does not match its key (expected ${keyId.toString('hex')})`);
  }
  return {
    name: parsed.name,
    keyId,
    verifierKey: formatVerifierKey(parsed.name, publicKey),
    sign: (message) => sign(null, message, privateKey),
  };
}

/** A fresh Ed25519 key pair as note key strings. */
export function generateNoteKeyPair(name: string): { signerKey: string; verifierKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519_PREFIX.length);
  const publicKey = rawPublicKey(privateKey);
  return { signerKey: formatSignerKey(name, seed, publicKey), verifierKey: formatVerifierKey(name, publicKey) };
}

function rawPublicKey(privateKey: KeyObject): Buffer {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url');
}
