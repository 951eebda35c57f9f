import { describe, expect, it } from 'vitest';
import { parseVerifierKey } from '../core/note-keys.ts';
import { verifySignedNote } from './signed-note.ts';

const PETER = parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
const ENOCH = parseVerifierKey('EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop');
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNATURE = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const NOTE = `${TEXT}\n${SIGNATURE}`;

describe('verifySignedNote', () => {
  it('accepts the sumdb/note example note under its key', () => {
    expect(verifySignedNote(NOTE, [PETER])).toEqual({ ok: true, body: TEXT, verifiedBy: ['PeterNeumann+c74f20a3'] });
  });

  it('ignores signatures by unknown keys and still needs one trusted key', () => {
    const result = verifySignedNote(`${TEXT}\n\u2014 stranger AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n${SIGNATURE}`, [PETER]);
    expect(result.ok).toBe(true);
    expect(verifySignedNote(NOTE, [ENOCH])).toMatchObject({ ok: false, rejection: 'untrusted' });
  });

  it('rejects the note when its text changed', () => {
    expect(verifySignedNote(NOTE.replace('answer', 'answers'), [PETER])).toMatchObject({ ok: false, rejection: 'bad-signature' });
  });

  it('rejects a note whose signature block is malformed', () => {
    expect(verifySignedNote(`${TEXT}\n- PeterNeumann abc\n`, [PETER])).toMatchObject({ ok: false, rejection: 'malformed' });
    expect(verifySignedNote(TEXT, [PETER])).toMatchObject({ ok: false, rejection: 'malformed' });
  });
});
