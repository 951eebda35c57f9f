import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BUNDLE_NAME, MANIFEST_PATH } from '../core/schemas/bundle-manifest.ts';
import { isBundleChainDirectory, listLocalMembers, verifyBundleChain } from './bundle-chain.ts';
import { verifyBundle } from './bundle.ts';
import type { ChainReport } from './chain-report.ts';
import { verifyS3Chain, type S3ReadSettings } from './s3-chain.ts';
import { dataDirPath } from '../core/data-dir.ts';
import { KeytrailError } from '../core/errors.ts';
import { openDataDirSource } from './data-dir-source.ts';
import type { EntrySource } from './entry-source.ts';
import type { VerifyReport } from './report.ts';
import { verifyLog, verifyLogInParallel, type VerifyOptions } from './verify-log.ts';

export type { VerifyOptions } from './verify-log.ts';

/** Verifies a data directory (chain.db, keys/verifier.key) offline. */
export function verifyDataDirectory(dataDir: string, options: VerifyOptions = {}): VerifyReport {
  return verifySource(openDataDirSource(dataDir), options);
}

/**
 * `keytrail verify PATH`: picks the source for PATH, and verifies it with `workers` inspecting threads.
 * A data directory is recognised by its chain.db, a bundle by its manifest.json (or its bundle-NNNNNN
 * name), a chain of bundles by the bundle directories in it, and s3://bucket/prefix is a chain in S3.
 */
export async function verifyPath(path: string, options: VerifyOptions & { workers: number; s3?: S3ReadSettings }): Promise<VerifyReport | ChainReport> {
  if (path.startsWith('s3://')) return verifyS3Chain(path, options);
  if (existsSync(join(path, MANIFEST_PATH)) || BUNDLE_NAME.test(basename(path))) return (await verifyBundle(path, options)).report;
  if (isBundleChainDirectory(path)) return verifyBundleChain(listLocalMembers(path), options, path);
  if (!existsSync(dataDirPath(path, 'chain'))) {
    throw new KeytrailError('VERIFY_SOURCE_UNREADABLE', `${path} is neither a keytrail data directory (chain.db), a bundle (manifest.json) nor a directory of bundles (bundle-NNNNNN)`);
  }
  return verifyDataDirectoryInParallel(path, options);
}

/** A data directory with `workers` threads inspecting entries. */
export async function verifyDataDirectoryInParallel(path: string, options: VerifyOptions & { workers: number }): Promise<VerifyReport> {
  const source = openDataDirSource(path);
  try {
    return await verifyLogInParallel(source, options);
  } finally {
    source.close();
  }
}

export function verifySource(source: EntrySource, options: VerifyOptions): VerifyReport {
  try {
    return verifyLog(source, options);
  } finally {
    source.close();
  }
}
