import { hashChildren } from '../../core/merkle-hash.ts';

/** SHA-256 output length; every proof element, leaf hash and root must have it. */
export const HASH_BYTES = 32;

export type ProofCheck = { ok: true } | { ok: false; reason: string };

/** Indices and sizes are u64 in RFC 9162; bigint keeps the malformed-vector values (2^64 − 1) exact. */
export function toU64(value: number | bigint, what: string): bigint | string {
  const big = typeof value === 'bigint' ? value : Number.isSafeInteger(value) ? BigInt(value) : null;
  if (big === null || big < 0n || big > 0xffff_ffff_ffff_ffffn) return `${what} ${String(value)} is not a u64`;
  return big;
}

export function isOdd(value: bigint): boolean {
  return (value & 1n) === 1n;
}

/** The first element of `hashes` that is not 32 bytes, as a reason, or null when all are. */
export function checkHashLengths(hashes: readonly Uint8Array[], what: string): string | null {
  const bad = hashes.findIndex((hash) => hash.length !== HASH_BYTES);
  return bad < 0 ? null : `${what}[${bad}] is ${hashes[bad]!.length} bytes, not ${HASH_BYTES}`;
}

export { hashChildren };
