import { hash } from 'node:crypto';

export const ZERO_HASH_HEX = '0'.repeat(64);

/** SHA-256 of bytes as lowercase hex. */
export function sha256Hex(data: Buffer | Uint8Array | string): string {
  return hash('sha256', data, 'hex');
}

/** SHA-256 of bytes as a 32-byte buffer. */
export function sha256(data: Buffer | Uint8Array | string): Buffer {
  return hash('sha256', data, 'buffer');
}
