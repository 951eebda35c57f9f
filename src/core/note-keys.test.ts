import { describe, expect, it } from 'vitest';
import { KeytrailError } from './errors.ts';
import { computeNoteKeyId, formatVerifierKey, parseSignerKey, parseVerifierKey } from './note-keys.ts';

// Test keys of golang.org/x/mod/sumdb/note (note_test.go, package documentation example).
const PETER_VERIFIER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SIGNER = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
// A verifier key of transparency-dev/formats whose base64 contains '+'.
const PLUS_VERIFIER = 'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6';

describe('note keys', () => {
  it('parses the sumdb/note verifier key and recomputes its key ID', () => {
    const key = parseVerifierKey(PETER_VERIFIER);
    expect(key.name).toBe('PeterNeumann');
    expect(key.keyId.toString('hex')).toBe('c74f20a3');
    expect(computeNoteKeyId('PeterNeumann', key.key).toString('hex')).toBe('c74f20a3');
    expect(formatVerifierKey(key.name, key.key)).toBe(PETER_VERIFIER);
  });

  it('parses a verifier key whose base64 contains a plus sign', () => {
    expect(parseVerifierKey(PLUS_VERIFIER).keyId.toString('hex')).toBe('7997405c');
  });

  it('parses the sumdb/note signer key', () => {
    const key = parseSignerKey(PETER_SIGNER);
    expect(key.name).toBe('PeterNeumann');
    expect(key.keyId.toString('hex')).toBe('c74f20a3');
    expect(key.key).toHaveLength(32);
  });

  it.each([
    ['a wrong key hash', 'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['a name with a space', 'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['a missing part', 'PeterNeumann+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['another algorithm', 'PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['a short key', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy'],
  ])('rejects a verifier key with %s', (_name, text) => {
    expect(() => parseVerifierKey(text)).toThrow(KeytrailError);
  });
});
