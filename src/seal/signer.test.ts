import { describe, expect, it } from 'vitest';
import { KeytrailError } from '../core/errors.ts';
import { createNoteSigner, generateNoteKeyPair } from './signer.ts';
import { signCheckpoint } from './checkpoint.ts';

const PETER_SIGNER = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";

describe('note signer', () => {
  it('produces the signature of the sumdb/note package example byte for byte', () => {
    const signer = createNoteSigner(PETER_SIGNER);
    expect(signer.verifierKey).toBe('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    const signature = Buffer.concat([signer.keyId, signer.sign(Buffer.from(TEXT))]).toString('base64');
    expect(signature).toBe('x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=');
  });

  it('refuses a signer key whose hash does not match its key', () => {
    expect(() => createNoteSigner('PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz')).toThrow(KeytrailError);
  });

  it('generates key pairs whose signer and verifier keys match', () => {
    const pair = generateNoteKeyPair('example.com/log');
    expect(createNoteSigner(pair.signerKey).verifierKey).toBe(pair.verifierKey);
  });

  it('signs a checkpoint with every signer, one line each', () => {
    const first = createNoteSigner(generateNoteKeyPair('example.com/log').signerKey);
    const second = createNoteSigner(generateNoteKeyPair('example.com/log').signerKey);
    const note = signCheckpoint({ origin: 'example.com/log', size: 0, rootBase64: Buffer.alloc(32).toString('base64'), headHex: '0'.repeat(64), time: '2026-01-01T00:00:00.000Z' }, [first, second]);
    const signatureLines = note.split('\n\n')[1]!.trimEnd().split('\n');
    expect(signatureLines).toHaveLength(2);
    expect(signatureLines.every((line) => line.startsWith('\u2014 example.com/log '))).toBe(true);
  });
});
