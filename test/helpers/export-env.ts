import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { dataDirPath } from '../../src/core/data-dir.ts';
import type { BusMessage, Clock } from '../../src/core/ports.ts';
import { parseExportConfig, type ExportConfigInput } from '../../src/export/config.ts';
import { exportBundles, type ExportReport } from '../../src/export/export-bundles.ts';
import { openSink } from '../../src/export/open-sink.ts';
import type { BundleSink } from '../../src/export/sink.ts';
import { openChainReader } from '../../src/seal/chain-reader.ts';
import { parseSealerConfig } from '../../src/seal/config.ts';
import { createSealCore } from '../../src/seal/seal-core.ts';
import { openChainStore } from '../../src/seal/store.ts';
import { S3_TEST_ENV } from '../setup/moto-server.ts';
import { makeRecord } from './records.ts';
import { LOG_ORIGIN, type SealedLog } from './sealed-log.ts';

/** A fixed export clock, so retain-until dates are known values. */
export const EXPORT_TIME = new Date('2026-01-10T14:00:00.000Z');
export const exportClock: Clock = { now: () => EXPORT_TIME };

/** Seals `count` more records into a log made by sealLog (4 per batch, a checkpoint every 8, a final one). */
export function sealMore(log: SealedLog, count: number, clockStart = '2026-01-10T13:30:00.000Z'): void {
  const store = openChainStore(dataDirPath(log.dataDir, 'chain'), LOG_ORIGIN);
  let now = Date.parse(clockStart);
  const clock: Clock = { now: () => new Date(now) };
  const core = createSealCore({ store, signers: [log.signer], clock, config: parseSealerConfig({ checkpointEveryEntries: 8, checkpointEveryMs: 60_000 }) });
  const first = store.size();
  for (let from = first; from < first + count; from += 4) {
    const batch: BusMessage[] = [];
    for (let n = from; n < Math.min(from + 4, first + count); n += 1) batch.push({ topic: 'records', partition: 0, offset: String(n), key: String(n), value: Buffer.from(JSON.stringify(makeRecord(n))), headers: {} });
    core.sealBatch(batch);
    now += 1000;
  }
  core.checkpointNow();
  store.close();
}

export interface ExportRun {
  report: ExportReport;
}

/** Runs the real exporter over the log's chain store into `to`, optionally through a wrapped sink. */
export async function exportLog(log: SealedLog, config: ExportConfigInput, wrap: (sink: BundleSink) => BundleSink = (sink) => sink): Promise<ExportReport> {
  const parsed = parseExportConfig(config);
  const { sink, close } = openSink(parsed, { ...process.env, ...S3_TEST_ENV });
  const reader = openChainReader(dataDirPath(log.dataDir, 'chain'));
  try {
    return await exportBundles({ reader, verifierKeys: [log.verifierKey], sink: wrap(sink), config: parsed, clock: exportClock });
  } finally {
    reader.close();
    close();
  }
}

/** A sink whose writers fail after `puts` files, as a crash or a lost connection half-way through a bundle would. */
export function failAfter(puts: number): (sink: BundleSink) => BundleSink {
  let count = 0;
  return (sink) => ({
    description: sink.description,
    lastBundle: () => sink.lastBundle(),
    async open(index, lock) {
      const writer = await sink.open(index, lock);
      return {
        name: writer.name,
        async put(path, data, sha256) {
          count += 1;
          if (count > puts) throw new Error(`injected failure before ${path}`);
          await writer.put(path, data, sha256);
        },
        publish: (manifest, sha256) => writer.publish(manifest, sha256),
        abort: () => writer.abort(),
      };
    },
  });
}

/** Clears the immutable attribute (set by a local export) so a test directory can be removed. */
export function removeWormDirectory(dir: string): void {
  if (!existsSync(dir)) return;
  spawnSync('chattr', ['-R', '-i', dir], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}

/** A fresh local export destination per call (`worm` in a test directory), cleared of its immutable bits after each test. */
export function useWormDestinations(tempDir: () => string): () => string {
  const destinations: string[] = [];
  afterEach(() => destinations.splice(0).forEach(removeWormDirectory));
  return () => {
    const dir = join(tempDir(), 'worm');
    destinations.push(dir);
    return dir;
  };
}

export function lsattrImmutable(path: string): boolean {
  const result = spawnSync('lsattr', ['-d', path], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`lsattr ${path}: ${result.stderr}`);
  return result.stdout.split(' ')[0]!.includes('i');
}

export function s3Client(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: S3_TEST_ENV.AWS_REGION, forcePathStyle: true, credentials: { accessKeyId: S3_TEST_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: S3_TEST_ENV.AWS_SECRET_ACCESS_KEY } });
}

/** A fresh bucket per test; with Object Lock unless told otherwise (which also turns versioning on). */
export async function createBucket(client: S3Client, objectLock = true): Promise<string> {
  const bucket = `keytrail-${randomBytes(6).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: objectLock }));
  return bucket;
}

export function s3Config(endpoint: string, to: string, extra: Partial<ExportConfigInput> = {}): ExportConfigInput {
  return { to, s3: { endpoint, forcePathStyle: true, credentials: { accessKeyIdEnv: 'AWS_ACCESS_KEY_ID', secretAccessKeyEnv: 'AWS_SECRET_ACCESS_KEY' } }, ...extra };
}
