import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGoldenFiles, GOLDEN_DIR } from '../../test/helpers/golden-chain.ts';

// The sealer, run again on fixtures/chain/records.ndjson with the same clock and test key, must
// reproduce the committed vectors byte for byte (Ed25519 signatures are deterministic, RFC 8032).
describe('golden chain vectors (fixtures/chain) from the sealer', () => {
  const fresh = buildGoldenFiles();

  it('writes the same set of files', () => {
    expect(Object.keys(fresh).sort()).toEqual(['checkpoint-3.note', 'checkpoint-5.note', 'entries.jsonl', 'proof-consistency-3-5.json', 'proof-inclusion-seq2-size5.json', 'vectors.json']);
  });

  it.each(Object.keys(fresh))('reproduces %s exactly', (name) => {
    expect(fresh[name]).toBe(readFileSync(join(GOLDEN_DIR, name), 'utf8'));
  });
});
