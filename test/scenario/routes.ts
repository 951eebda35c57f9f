import type { Provider } from '../../src/core/schemas/common.ts';
import type { AzureShape } from './azure-shapes.ts';
import { hashIndex } from './calls.ts';
import type { Random } from './random.ts';
import type { VaultDevice } from './vault-entry.ts';

/** What an ingest input reads: one provider's records, or application events. */
export type Source = Provider | 'app';

/**
 * The way a record reaches keytrail: which ingest process (each with its own ingest state, so a record
 * delivered to both is dropped only by the correlator) and which of its inputs (deciding the record's
 * form: an Azure table, a Vault audit device, a GCP export or the Logging API over gRPC).
 */
export interface Route {
  ingest: 0 | 1;
  input: string;
}

export const INPUTS: Readonly<Record<Source, readonly string[]>> = {
  aws: ['s3', 'lookup'],
  gcp: ['sink', 'api'],
  azure: ['storage', 'diagnostics', 'azkv'],
  vault: ['file', 'socket', 'raw'],
  app: ['http', 'topic'],
};

/** The Azure inputs: a storage account or Event Hubs, Log Analytics' legacy table, Log Analytics' resource-specific table. */
export const AZURE_SHAPES: Readonly<Record<string, AzureShape>> = { storage: 'resource-log', diagnostics: 'azure-diagnostics', azkv: 'azkv-audit-logs' };

/** The Vault inputs: the default file device, a socket device with hmac_accessor=false, a device with log_raw=true. */
export const VAULT_DEVICES: Readonly<Record<string, VaultDevice>> = { file: 'default', socket: 'hmac-accessor-false', raw: 'log-raw' };

/**
 * Where a record goes first: ingest 0's main input; each key vault has one diagnostic setting, so its
 * records all come in one shape.
 */
export function primaryRoute(source: Source, keyId?: string): Route {
  if (source === 'azure') return { ingest: 0, input: INPUTS.azure[hashIndex(keyId!, INPUTS.azure.length)]! };
  return { ingest: 0, input: INPUTS[source][0]! };
}

/** A second delivery of the same record: the same ingest process (its state drops it) or the other (the correlator does), through any input. */
export function duplicateRoute(random: Random, source: Source): Route {
  return { ingest: random.chance(0.5) ? 0 : 1, input: random.pick(INPUTS[source]) };
}
