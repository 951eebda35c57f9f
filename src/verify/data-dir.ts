import { existsSync } from 'node:fs';
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
 * A data directory is recognised by its chain.db; bundle directories will get their own source behind
 * the same walk.
 */
export async function verifyPath(path: string, options: VerifyOptions & { workers: number }): Promise<VerifyReport> {
  if (!existsSync(dataDirPath(path, 'chain'))) {
    throw new KeytrailError('VERIFY_SOURCE_UNREADABLE', `${path} is not a keytrail data directory (no chain.db); this version verifies data directories`);
  }
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
