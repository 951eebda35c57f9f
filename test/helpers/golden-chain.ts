// Golden chain vectors (fixtures/chain/): the sealer's output for records.ndjson under a fixed clock
// and a fixed, public test key. `node test/helpers/golden-chain.ts --write`
// regenerates the files; the sealer's tests compare a fresh sealing with them byte for byte, and the
// verifier's tests check them with the verifier's own code.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashLeaf } from '../../src/core/merkle-hash.ts';
import type { BusMessage } from '../../src/core/ports.ts';
import { parseSealerConfig } from '../../src/seal/config.ts';
import { buildConsistencyDocument, buildInclusionDocument } from '../../src/seal/proof-documents.ts';
import { createSealCore } from '../../src/seal/seal-core.ts';
import { createNoteSigner } from '../../src/seal/signer.ts';
import { openChainStore } from '../../src/seal/store.ts';
import { createManualClock } from './records.ts';

export const GOLDEN_DIR = fileURLToPath(new URL('../../fixtures/chain/', import.meta.url));
export const GOLDEN_ORIGIN = 'example.com/keytrail-golden';

/** File name → contents: entries.jsonl, vectors.json and one checkpoint-<size>.note per checkpoint. */
export type GoldenFiles = Record<string, string>;

/** Seals records.ndjson in two batches (3 then 2 records, two seconds apart), one checkpoint after each. */
export function buildGoldenFiles(): GoldenFiles {
  const records = readFileSync(join(GOLDEN_DIR, 'records.ndjson'), 'utf8').trimEnd().split('\n');
  const signer = createNoteSigner(readFileSync(join(GOLDEN_DIR, 'signer.key'), 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'keytrail-golden-'));
  const store = openChainStore(join(dir, 'chain.db'), GOLDEN_ORIGIN);
  try {
    const clock = createManualClock('2026-01-10T12:30:00.000Z');
    const core = createSealCore({ store, signers: [signer], clock, config: parseSealerConfig({ checkpointEveryEntries: 1000, checkpointEveryMs: 1000 }) });
    const message = (line: string, offset: number): BusMessage => ({ topic: 'records', partition: 0, offset: String(offset), key: String(offset), value: Buffer.from(line), headers: {} });
    core.sealBatch(records.slice(0, 3).map(message));
    clock.advance(2000);
    core.sealBatch(records.slice(3).map((line, index) => message(line, index + 3)));
    const rows = [...store.entries(0)];
    const checkpoints = [...store.checkpoints()];
    const size = rows.length;
    const vectors = {
      origin: GOLDEN_ORIGIN,
      verifierKey: signer.verifierKey,
      entries: rows.map((row) => ({ seq: row.seq, bytes: row.bytes.toString('utf8'), chainHash: row.hash.toString('hex'), leafHash: hashLeaf(row.bytes).toString('hex') })),
      roots: Array.from({ length: size + 1 }, (_, n) => ({ size: n, rootHex: store.rootAt(n).toString('hex'), rootBase64: store.rootAt(n).toString('base64') })),
      checkpoints: checkpoints.map((checkpoint) => ({ size: checkpoint.size, note: checkpoint.note })),
      inclusionProofs: [3, size].flatMap((treeSize) => Array.from({ length: treeSize }, (_, seq) => ({ seq, treeSize, path: store.inclusionProof(seq, treeSize).map((hash) => hash.toString('base64')) }))),
      consistencyProofs: Array.from({ length: size }, (_, old) => old + 1).flatMap((oldSize) =>
        Array.from({ length: size - oldSize + 1 }, (_, step) => oldSize + step).map((newSize) => ({ oldSize, newSize, path: store.consistencyProof(oldSize, newSize).map((hash) => hash.toString('base64')) })),
      ),
    };
    return {
      'entries.jsonl': rows.map((row) => `${row.bytes.toString('utf8')}\n`).join(''),
      ...Object.fromEntries(checkpoints.map((checkpoint) => [`checkpoint-${checkpoint.size}.note`, checkpoint.note])),
      'proof-inclusion-seq2-size5.json': `${JSON.stringify(buildInclusionDocument(store, 2, { latest: true }), null, 2)}\n`,
      'proof-consistency-3-5.json': `${JSON.stringify(buildConsistencyDocument(store, { size: 3 }, { size: 5 }), null, 2)}\n`,
      'vectors.json': `${JSON.stringify(vectors, null, 2)}\n`,
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  for (const [name, text] of Object.entries(buildGoldenFiles())) writeFileSync(join(GOLDEN_DIR, name), text);
}
