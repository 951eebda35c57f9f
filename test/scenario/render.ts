import { renderAzureRecord } from './azure-record.ts';
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
}

/** A queued record in its provider's form for the route it travels. */
export function renderPending(item: Pending, arrivalMs: number): RawDelivery {
  if (item.kind === 'app') return { source: 'app', route: item.route, arrivalMs, record: item.value };
  const { call, route, part } = item;
  const inputId = `kms:${call.provider}:${call.eventId}`;
  switch (call.provider) {
    case 'aws':
      return { source: 'aws', route, arrivalMs, record: renderCloudTrailRecord(call), inputId };
    case 'gcp':
      return { source: 'gcp', route, arrivalMs, record: renderGcpEntry(call), inputId };
    case 'azure':
      return { source: 'azure', route, arrivalMs, record: renderAzureRecord(call, AZURE_SHAPES[route.input]!, part === 'challenge' ? 'challenge' : 'call'), inputId };
    case 'vault':
      return { source: 'vault', route, arrivalMs, record: renderVaultEntry(call, VAULT_DEVICES[route.input]!, part === 'response' ? 'response' : 'request'), inputId };
  }
}
