import { join } from 'node:path';

/** File names inside a data directory (docs/FORMAT.md, "Data directory"). */
export const DATA_DIR_FILES = {
  bus: 'bus.db',
  ingest: 'ingest.db',
  correlator: 'correlate.db',
  chain: 'chain.db',
  sealLock: 'seal.lock',
  signerKey: join('keys', 'signer.key'),
  verifierKey: join('keys', 'verifier.key'),
} as const;

export function dataDirPath(dataDir: string, file: keyof typeof DATA_DIR_FILES): string {
  return join(dataDir, DATA_DIR_FILES[file]);
}

/** The lock a correlator process holds while it runs: one per instance id, so instances sharing the state differ. */
export function correlatorLockPath(dataDir: string, instanceId: string): string {
  return join(dataDir, `correlate.${instanceId}.lock`);
}
