import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSqliteBus } from '../src/bus/sqlite-bus.ts';
import { createTopicNames } from '../src/bus/topics.ts';
import { dataDirPath } from '../src/core/data-dir.ts';
import type { Entry } from '../src/core/schemas/entry.ts';
import { openChainReader } from '../src/seal/chain-reader.ts';
import { generateNoteKeyPair } from '../src/seal/signer.ts';
import { verifyDataDirectory } from '../src/verify/data-dir.ts';
import { makeRecord, recordMessage } from './helpers/records.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const WORKER = fileURLToPath(new URL('./helpers/seal-worker.ts', import.meta.url));
const ORIGIN = 'example.com/crash-test';
const RECORDS = 2000;
const tempDir = useTempDirs();

/** Runs the worker; with `killAfter`, kill -9 it as soon as it reports that many handled batches. */
function runWorker(dataDir: string, signerKey: string, killAfter?: number): Promise<{ killed: boolean }> {
  const child = spawn(process.execPath, ['--no-warnings', WORKER, dataDir, signerKey, ORIGIN], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (killAfter !== undefined && line === `batch ${killAfter}`) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true });
      else if (code === 0) resolve({ killed: false });
      else reject(new Error(`worker exited with ${code}`));
    });
  });
}

describe('sealer crash safety (kill -9 of a real sealer process)', () => {
  it('holds every record exactly once, in one contiguous chain, after repeated kills and a final run', async () => {
    const dataDir = tempDir();
    mkdirSync(dataDir, { recursive: true });
    const bus = createSqliteBus({ path: dataDirPath(dataDir, 'bus') });
    const records = Array.from({ length: RECORDS }, (_, n) => makeRecord(n));
    // Every record is published twice, as an at-least-once producer would after a retry.
    await bus.publish(createTopicNames().records, [...records, ...records.slice(0, 300)].map(recordMessage));
    await bus.close();
    const pair = generateNoteKeyPair(ORIGIN);
    writeFileSync(join(dataDir, 'signer.key'), pair.signerKey);

    const kills: boolean[] = [];
    for (const killAfter of [1, 3, 6, 10]) kills.push((await runWorker(dataDir, pair.signerKey, killAfter)).killed);
    expect(kills.some((killed) => killed)).toBe(true);
    expect(await runWorker(dataDir, pair.signerKey)).toEqual({ killed: false });

    const reader = openChainReader(dataDirPath(dataDir, 'chain'));
    try {
      const sealed = [...reader.entries(0)].map((row) => JSON.parse(row.bytes.toString('utf8')) as Entry);
      expect(sealed.map((entry) => entry.seq)).toEqual(Array.from({ length: RECORDS }, (_, n) => n));
      expect(new Set(sealed.map((entry) => entry.record.id)).size).toBe(RECORDS);
      expect(new Set(sealed.map((entry) => entry.record.id))).toEqual(new Set(records.map((record) => record.id)));
      expect(reader.latestCheckpoint()?.size).toBe(RECORDS);
    } finally {
      reader.close();
    }
    const report = verifyDataDirectory(dataDir, { trustedKeys: [pair.verifierKey] });
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
