import type { KmsEvent } from '../../src/core/schemas/kms-event.ts';
import { isPurge, isScheduledRotation } from './azure-record.ts';
import type { KmsCall } from './calls.ts';
import { GCP_PROJECT_NUMBER } from './cast.ts';

/**
 * What the provider's normaliser must make of a call's raw record, from what the scenario meant: the
 * operation, the key as keytrail names it, the caller, the outcome, the join keys, the invoking service
 * and the time. Returns the fields that differ (empty when the event is right).
 */
export function compareKmsEvent(call: KmsCall, event: KmsEvent): string[] {
  const expected: Record<string, unknown> = {
    operation: operationOf(call),
    keyId: keyIdOf(call),
    principal: principalOf(call),
    outcome: call.responseMissing === true ? 'unknown' : call.outcome,
    joinKeys: joinKeysOf(call),
    invokedBy: invokedByOf(call),
  };
  const actual: Record<string, unknown> = { ...event, principal: event.principal?.id ?? null };
  const problems = Object.entries(expected)
    .filter(([name, value]) => JSON.stringify(sorted(actual[name])) !== JSON.stringify(sorted(value)))
    .map(([name, value]) => `${name} ${JSON.stringify(actual[name])}, meant ${JSON.stringify(value)}`);
  // CloudTrail logs whole seconds; the others keep the call's time (Vault's response entry a few ms later).
  const driftMs = Date.parse(event.eventTime) - call.timeMs;
  if (driftMs > 30 || driftMs < (call.provider === 'aws' ? -1000 : 0)) problems.push(`eventTime ${event.eventTime}, meant ${new Date(call.timeMs).toISOString()}`);
  return problems;
}

function operationOf(call: KmsCall): string {
  if (call.operation !== 'destroy') return call.operation;
  // GCP's DestroyCryptoKeyVersion and Azure's KeyDelete only schedule the destruction.
  return call.provider === 'azure' && isPurge(call) ? 'destroy' : 'schedule-deletion';
}

function keyIdOf(call: KmsCall): string {
  if (call.provider === 'vault') return `transit/keys/${call.keyId}`;
  if (call.provider === 'gcp') return call.keyId.replace(/\/cryptoKeyVersions\/[^/]+$/, '');
  return call.keyId;
}

function principalOf(call: KmsCall): string | null {
  if (call.provider === 'gcp' && call.invokedBy !== null) return `service-${GCP_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com`;
  if (call.provider === 'azure' && isScheduledRotation(call)) return null;
  return call.principal?.id ?? null;
}

/** Azure logs one correlationId and keytrail offers it under both keys; a service agent carries no token. */
function joinKeysOf(call: KmsCall): Record<string, string> {
  if (call.provider === 'azure') return { requestId: call.joinKeys.correlationId!, correlationId: call.joinKeys.correlationId! };
  if (call.provider === 'gcp' && call.invokedBy !== null) return {};
  return { ...call.joinKeys } as Record<string, string>;
}

function invokedByOf(call: KmsCall): string | null {
  if (call.provider === 'azure' && isScheduledRotation(call)) return 'Microsoft.KeyVault';
  return call.invokedBy;
}

function sorted(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
}
