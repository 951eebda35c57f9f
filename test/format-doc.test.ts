// docs/FORMAT.md, section 8, followed literally on the golden vectors with nothing but node:crypto
// (SHA-256, Ed25519) and JSON: no keytrail code is imported. The document's worked examples must
// also quote the vectors exactly.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const H = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
const format = read('docs/FORMAT.md');

/** RFC 8785 for what JSON.parse returns (no index-like member names in keytrail entries). */
const jcs = (value: unknown): string =>
  value === null || typeof value !== 'object'
    ? JSON.stringify(value)
    : Array.isArray(value)
      ? `[${value.map(jcs).join(',')}]`
      : `{${Object.keys(value).sort().map((name) => `${JSON.stringify(name)}:${jcs((value as Record<string, unknown>)[name])}`).join(',')}}`;

function root(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return H();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return H(Buffer.from([1]), root(leaves.slice(0, k)), root(leaves.slice(k)));
}

describe('docs/FORMAT.md section 8 on fixtures/chain', () => {
  it('checks the golden log by hand', () => {
    // 1. A key we trust, and its key ID.
    const [name, idHex] = read('fixtures/chain/verifier.key').trim().split('+') as [string, string];
    const publicKey = Buffer.from(read('fixtures/chain/verifier.key').trim().slice(name.length + idHex.length + 2), 'base64').subarray(1);
    expect(H(Buffer.from(`${name}\n`), Buffer.from([1]), publicKey).subarray(0, 4).toString('hex')).toBe(idHex);
    // 2–3. Entries in order.
    const lines = read('fixtures/chain/entries.jsonl').split('\n').slice(0, -1);
    const chainHashes: string[] = [];
    const leaves: Buffer[] = [];
    lines.forEach((line, position) => {
      const entry = JSON.parse(line) as { seq: number; prev: string; chain: string };
      expect(jcs(entry)).toBe(line);
      expect(entry.seq).toBe(position);
      expect(entry.prev).toBe(position === 0 ? '0'.repeat(64) : chainHashes[position - 1]);
      expect(entry.chain).toBe(name);
      chainHashes.push(H(Buffer.from(line)).toString('hex'));
      leaves.push(H(Buffer.from([0]), Buffer.from(line)));
    });
    // 4–5. Checkpoints: signature, body, root and head.
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]), format: 'der', type: 'spki' });
    for (const size of [3, 5]) {
      const note = read(`fixtures/chain/checkpoint-${size}.note`);
      const body = note.slice(0, note.lastIndexOf('\n\n') + 1);
      const signature = Buffer.from(note.slice(note.lastIndexOf('\n\n') + 2).trim().split(' ')[2]!, 'base64');
      expect(signature.subarray(0, 4).toString('hex')).toBe(idHex);
      expect(verify(null, Buffer.from(body), key, signature.subarray(4))).toBe(true);
      const [origin, sizeLine, rootLine, headLine, timeLine] = body.slice(0, -1).split('\n');
      expect([origin, Number(sizeLine)]).toEqual([name, size]);
      expect(rootLine).toBe(root(leaves.slice(0, size)).toString('base64'));
      expect(headLine).toBe(`head ${chainHashes[size - 1]}`);
      expect(timeLine).toMatch(/^time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });

  it('quotes the vectors exactly in its examples', () => {
    const vectors = JSON.parse(read('fixtures/chain/vectors.json')) as { entries: { chainHash: string }[]; roots: { rootHex: string }[] };
    expect(format).toContain(read('fixtures/chain/checkpoint-3.note').trimEnd());
    expect(format).toContain(read('fixtures/chain/verifier.key').trim());
    expect(format).toContain(vectors.entries[0]!.chainHash);
    for (const size of [1, 3, 5]) expect(format).toContain(vectors.roots[size]!.rootHex);
  });
});
