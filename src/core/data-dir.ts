import { join } from 'node:path';

/** File names inside a data directory (docs/FORMAT.md, "Data directory"). */
export const DATA_DIR_FILES = {
  bus: 'bus.db',
  ingest: 'ingest.db',
  correlator: 'correlate.db',
  chain: 'chain.db',
  signerKey: join('keys', 'signer.key'),
  verifierKey: join('keys', 'verifier.key'),
} as const;

export function dataDirPath(dataDir: string, file: keyof typeof DATA_DIR_FILES): string {
  return join(dataDir, DATA_DIR_FILES[file]);
}
