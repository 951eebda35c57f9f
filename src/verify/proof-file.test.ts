import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KeytrailError } from '../core/errors.ts';
import { parseVerifierKey } from '../core/note-keys.ts';
import { parseProofDocument, verifyProofDocument } from './proof-file.ts';

const read = (name: string): string => readFileSync(new URL(`../../fixtures/chain/${name}`, import.meta.url), 'utf8');
const key = parseVerifierKey(read('verifier.key'));
const inclusion = read('proof-inclusion-seq2-size5.json');
const consistency = read('proof-consistency-3-5.json');
const codes = (text: string, keys = [key]) => verifyProofDocument(parseProofDocument(text), keys).findings.map((finding) => finding.code);

describe('proof documents (fixtures/chain)', () => {
  it('accepts the golden inclusion and consistency proofs under the test key', () => {
    expect(verifyProofDocument(parseProofDocument(inclusion), [key])).toMatchObject({ ok: true, type: 'inclusion', sizes: { seq: 2, treeSize: 5 }, verifiedBy: ['example.com/keytrail-golden+249b985e'] });
    expect(verifyProofDocument(parseProofDocument(consistency), [key])).toMatchObject({ ok: true, type: 'consistency', sizes: { oldSize: 3, newSize: 5 } });
  });

  it('rejects an inclusion proof whose entry changed by one byte', () => {
    expect(codes(inclusion.replace('carol@acme.example', 'carol@acme.exampld'))).toContain('VERIFY_PROOF_INVALID');
  });

  it('rejects an inclusion proof moved to another seq', () => {
    const document = JSON.parse(inclusion);
    expect(codes(JSON.stringify({ ...document, seq: 1 }))).toContain('VERIFY_PROOF_INVALID');
  });

  it('rejects a proof whose checkpoint no trusted key signed', () => {
    const stranger = parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    expect(codes(inclusion, [stranger])).toEqual(['VERIFY_CHECKPOINT_UNTRUSTED']);
  });

  it('rejects a consistency proof with a changed path hash', () => {
    const document = JSON.parse(consistency);
    document.path[0] = Buffer.alloc(32, 9).toString('base64');
    expect(codes(JSON.stringify(document))).toEqual(['VERIFY_PROOF_INVALID']);
  });

  it('refuses a file that is not a proof document as a usage error', () => {
    expect(() => parseProofDocument('{"v":1,"type":"inclusion"}')).toThrow(KeytrailError);
    expect(() => parseProofDocument('not json')).toThrow(/not JSON/);
  });
});
