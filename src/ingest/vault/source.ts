import { systemClock } from '../../core/ports.ts';
import { readJsonFile, type ReadItem, type Unwrap } from '../read-json.ts';
import type { IngestSource } from '../source.ts';
import { normaliseVaultEntry } from './normalise.ts';
import { createVaultPairer } from './pairing.ts';

const noContainer: Unwrap = () => undefined;

/** A file audit device's log read once (`--input vault:PATH`): pairs are formed within the file. */
async function* readVaultAuditFile(path: string): AsyncGenerator<ReadItem> {
  // No timeout: in a finished file a request's response is either later in the file or absent.
  const pairer = createVaultPairer({ clock: systemClock, timeoutMs: Number.POSITIVE_INFINITY, maxParked: 100_000 });
  for await (const item of readJsonFile(path, noContainer)) yield* pairer.accept(item);
  yield* pairer.drain();
}

export const vaultAuditSource: IngestSource = {
  name: 'vault',
  namespace: 'vault',
  stream: 'kms',
  readFile: readVaultAuditFile,
  normalise: normaliseVaultEntry,
};
