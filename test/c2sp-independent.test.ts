// An independent verifier of keytrail checkpoints, written from the specifications alone:
// C2SP signed-note (note text, blank line, "— <name> <base64(key ID ‖ signature)>" lines; key ID =
// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4] for Ed25519), C2SP tlog-checkpoint (origin, decimal
// size, base64 root, extension lines) and RFC 6962 §2.1 (tree hash). It deliberately imports nothing
// from keytrail's src/: only node:crypto, better-sqlite3 to read chain.db, and the keytrail CLI as a
// black box that produces the data directory.
import Database from 'better-sqlite3';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { useSuiteTempDir } from './helpers/temp-dir.ts';

const EM_DASH = '\u2014';
const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();

interface VerifierKey {
  name: string;
  id: Buffer;
  publicKey: Buffer;
}

/** `<name>+<hex key ID>+<base64(0x01 ‖ key)>`: the base64 part may itself contain '+'. */
function parseKey(text: string): VerifierKey {
  const [name, idHex] = text.split('+') as [string, string];
  const encoded = text.slice(name.length + idHex.length + 2);
  const typed = Buffer.from(encoded, 'base64');
  if (typed.length !== 33 || typed[0] !== 0x01) throw new Error('not an Ed25519 verifier key');
  const publicKey = typed.subarray(1);
  const id = sha256(Buffer.from(name, 'utf8'), Buffer.from([0x0a, 0x01]), publicKey).subarray(0, 4);
  if (id.toString('hex') !== idHex) throw new Error('key ID does not match name and key');
  return { name, id, publicKey };
}

/** Returns the note text if at least one known key signed it and no known key's signature fails. */
function openNote(note: string, keys: readonly VerifierKey[]): string {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('malformed note');
  const text = note.slice(0, split + 1);
  let verified = 0;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    if (!line.startsWith(`${EM_DASH} `)) throw new Error('malformed signature line');
    const [name, encoded] = line.slice(2).split(' ') as [string, string];
    const blob = Buffer.from(encoded, 'base64');
    const key = keys.find((candidate) => candidate.name === name && candidate.id.equals(blob.subarray(0, 4)));
    if (key === undefined) continue; // unknown signers are ignored, as the spec requires
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.publicKey]);
    if (!verify(null, Buffer.from(text, 'utf8'), createPublicKey({ key: spki, format: 'der', type: 'spki' }), blob.subarray(4))) throw new Error('a known key\'s signature fails');
    verified += 1;
  }
  if (verified === 0) throw new Error('no known key signed the note');
  return text;
}

function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return sha256(Buffer.from([0]), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const suiteDir = useSuiteTempDir();
let dataDir: string;

beforeAll(() => {
  dataDir = join(suiteDir(), 'demo');
  expect(runCli(['demo', '--data-dir', dataDir]).status).toBe(0);
});

describe('an independent C2SP signed-note verifier', () => {
  it('accepts the golang.org/x/mod/sumdb/note documentation example (so it is a correct verifier)', () => {
    const key = parseKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const note = `${text}\n${EM_DASH} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
    expect(openNote(note, [key])).toBe(text);
    expect(() => openNote(note.replace('answer', 'answers'), [key])).toThrow(/fails/);
  });

  it('accepts every checkpoint keytrail signed, and their roots are the RFC 6962 roots of the stored entries', () => {
    const key = parseKey(readFileSync(join(dataDir, 'keys', 'verifier.key'), 'utf8').trim());
    const db = new Database(join(dataDir, 'chain.db'), { readonly: true });
    try {
      const notes = db.prepare<[], { note: string }>('SELECT note FROM checkpoints ORDER BY id').all();
      const leaves = db.prepare<[], { bytes: Buffer }>('SELECT bytes FROM entries ORDER BY seq').all().map((row) => row.bytes);
      expect(notes.length).toBeGreaterThan(0);
      for (const { note } of notes) {
        const [origin, size, root, ...extensions] = openNote(note, [key]).slice(0, -1).split('\n') as [string, string, string, ...string[]];
        expect(origin).toBe(key.name);
        expect(size).toMatch(/^(0|[1-9][0-9]*)$/);
        expect(Buffer.from(root, 'base64').length).toBe(32);
        expect(root).toBe(mth(leaves.slice(0, Number(size))).toString('base64'));
        expect(extensions.every((line) => line.length > 0)).toBe(true);
      }
    } finally {
      db.close();
    }
  });

  it('rejects a keytrail checkpoint whose size line was changed', () => {
    const key = parseKey(readFileSync(join(dataDir, 'keys', 'verifier.key'), 'utf8').trim());
    const proof = JSON.parse(runCli(['prove', '--data-dir', dataDir, '--seq', '0']).stdout) as { checkpoint: string };
    const [origin, size, ...rest] = proof.checkpoint.split('\n');
    expect(() => openNote([origin, String(Number(size) + 1), ...rest].join('\n'), [key])).toThrow(/fails/);
  });
});
