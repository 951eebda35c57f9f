import { renderAzureRecord } from './azure-record.ts';
import type { KmsCall } from './calls.ts';
import { renderCloudTrailRecord } from './cloudtrail.ts';
import { renderGcpEntry } from './gcp-entry.ts';
import { AZURE_SHAPES, VAULT_DEVICES, type Route, type Source } from './routes.ts';
import { renderVaultEntry } from './vault-entry.ts';
import type { Pending } from './world.ts';

/** One raw record as an ingest input reads it, with what the scenario knows about it. */
export interface RawDelivery {
  source: Source;
  route: Route;
  arrivalMs: number;
  record: Record<string, unknown>;
  /** KMS records: the scenario's input id of the call (`kms:<provider>:<eventId>`). */
  inputId?: string;
  /** KMS records of the call itself (not an Azure challenge): what the normalised event must say. */
  call?: KmsCall;
}

/** A queued record in its provider's form for the route it travels. */
export function renderPending(item: Pending, arrivalMs: number): RawDelivery {
  if (item.kind === 'app') return { source: 'app', route: item.route, arrivalMs, record: item.value };
  const { call, route, part } = item;
  const known = { route, arrivalMs, inputId: `kms:${call.provider}:${call.eventId}`, ...(part === 'challenge' ? {} : { call }) };
  switch (call.provider) {
    case 'aws':
      return { ...known, source: 'aws', record: renderCloudTrailRecord(call) };
    case 'gcp':
      return { ...known, source: 'gcp', record: renderGcpEntry(call) };
    case 'azure':
      return { ...known, source: 'azure', record: renderAzureRecord(call, AZURE_SHAPES[route.input]!, part === 'challenge' ? 'challenge' : 'call') };
    case 'vault':
      return { ...known, source: 'vault', record: renderVaultEntry(call, VAULT_DEVICES[route.input]!, part === 'response' ? 'response' : 'request') };
  }
}
