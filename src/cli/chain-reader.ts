import { existsSync } from 'node:fs';
import { dataDirPath } from '../core/data-dir.ts';
import { KeytrailError } from '../core/errors.ts';
import { openChainReader, type SealedLogReader } from '../seal/chain-reader.ts';

/** Opens a data directory's chain store read-only for the duration of `work`. */
export function withChainReader<T>(dataDir: string, work: (reader: SealedLogReader) => T): T {
  const path = dataDirPath(dataDir, 'chain');
  if (!existsSync(path)) throw new KeytrailError('CLI_IO', `no chain store at ${path}: is ${dataDir} a keytrail data directory?`);
  const reader = openChainReader(path);
  try {
    return work(reader);
  } finally {
    reader.close();
  }
}

/** The same for asynchronous work (an export): the store is closed once `work` settles. */
export async function withChainReaderAsync<T>(dataDir: string, work: (reader: SealedLogReader) => Promise<T>): Promise<T> {
  const path = dataDirPath(dataDir, 'chain');
  if (!existsSync(path)) throw new KeytrailError('CLI_IO', `no chain store at ${path}: is ${dataDir} a keytrail data directory?`);
  const reader = openChainReader(path);
  try {
    return await work(reader);
  } finally {
    reader.close();
  }
}
