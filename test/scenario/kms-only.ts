import type { Provider } from '../../src/core/schemas/common.ts';
import type { JoinKeys } from '../../src/core/schemas/kms-event.ts';
import type { Operation } from '../../src/core/schemas/operations.ts';
import { createKmsCall, type KmsCall, type Principal } from './calls.ts';
import { deliver, kmsDelay, type World } from './world.ts';

const PROVIDERS: Provider[] = ['aws', 'gcp', 'azure', 'vault'];

/**
 * A KMS call no application made: an operator, a batch job, an intruder, or an application's own
 * identity used outside the application. The security signal keytrail exists for: it must stay
 * unattributed.
 */
export function unreportedCall(world: World): void {
  const { random } = world;
  const provider = random.pick(PROVIDERS);
  const app = world.pickApp(provider);
  const principal = random.chance(0.5) ? app.principal : random.pick(world.cast.strangers[provider]);
  const keyless = provider === 'gcp' && random.chance(0.5);
  const call = kmsCall(world, provider, random.pick(['decrypt', 'encrypt'] as const), random.pick(app.keys), principal, keyless ? {} : randomKeys(world, provider));
  deliver(world, { kind: 'kms', call }, kmsDelay(world, provider, random.chance(world.beyondShare)));
  world.truth?.kms.set(`kms:${provider}:${call.eventId}`, { cause: 'unreported', onTime: true });
}

/**
 * A service using a key for a principal, never joined to a user request: S3 SSE-KMS in a forward access
 * session (AWS), Cloud Storage's service agent for CMEK (GCP), a storage account's managed identity for
 * its customer-managed key (Azure).
 */
export function serviceCall(world: World): void {
  const { random } = world;
  const provider = random.pick(['aws', 'aws', 'gcp', 'azure'] as const);
  const app = world.pickApp(provider);
  const operation = random.pick(SERVICE_OPERATIONS[provider]);
  const invokedBy = { aws: 's3.amazonaws.com', gcp: 'storage.googleapis.com', azure: 'Microsoft.Storage/storageAccounts' }[provider];
  // A storage account's system identity is its own Entra principal.
  const principal = provider === 'azure' ? { id: random.uuid(), type: 'app' } : app.principal;
  // A service agent sends no keytrail token; S3 and Key Vault log their own request ids.
  const call = { ...kmsCall(world, provider, operation, random.pick(app.keys), principal, provider === 'gcp' ? {} : randomKeys(world, provider)), invokedBy, outcome: 'success' as const };
  deliver(world, { kind: 'kms', call }, kmsDelay(world, provider, false));
  world.truth?.kms.set(`kms:${provider}:${call.eventId}`, { cause: 'service', onTime: true });
}

const SERVICE_OPERATIONS: Record<'aws' | 'gcp' | 'azure', Operation[]> = { aws: ['decrypt', 'generate-data-key'], gcp: ['decrypt', 'encrypt'], azure: ['wrap', 'unwrap'] };

const LIFECYCLE: Record<Provider, Operation[]> = {
  aws: ['rotate', 'enable-rotation', 'disable', 'schedule-deletion', 'create-key'],
  gcp: ['rotate', 'create-key', 'destroy'],
  azure: ['rotate', 'create-key', 'destroy'],
  vault: ['rotate'],
};

/** Key creation, rotation, disabling, deletion: sealed as their own records. */
export function lifecycleCall(world: World): void {
  const { random } = world;
  const provider = random.pick(PROVIDERS);
  const app = world.pickApp(provider);
  const operation = random.pick(LIFECYCLE[provider]);
  const automatic = provider === 'aws' && operation === 'rotate';
  const call: KmsCall = automatic
    ? { ...kmsCall(world, provider, operation, random.pick(app.keys), null, {}), invokedBy: 'AWS Internal', outcome: 'success' as const }
    : kmsCall(world, provider, operation, random.pick(app.keys), world.cast.admins[provider], provider === 'gcp' ? {} : randomKeys(world, provider));
  deliver(world, { kind: 'kms', call }, kmsDelay(world, provider, false));
  world.truth?.kms.set(`kms:${provider}:${call.eventId}`, { cause: 'lifecycle', onTime: true });
}

function kmsCall(world: World, provider: Provider, operation: Operation, keyId: string, principal: Principal | null, joinKeys: JoinKeys): KmsCall {
  const { random } = world;
  return createKmsCall(random, {
    provider,
    eventId: provider === 'vault' ? joinKeys.requestId! : provider === 'gcp' ? random.hex(16) : random.uuid(),
    timeMs: world.nowMs,
    operation,
    keyId,
    principal,
    outcome: random.chance(0.1) ? 'failure' : 'success',
    joinKeys,
    invokedBy: null,
    sourceIp: `203.0.113.${random.int(1, 254)}`,
  });
}

function randomKeys(world: World, provider: Provider): JoinKeys {
  const id = world.random.uuid();
  switch (provider) {
    case 'aws':
      return { requestId: id };
    case 'azure':
      return { correlationId: id };
    case 'vault':
      return { requestId: id, correlationId: world.random.uuid() };
    case 'gcp':
      return { token: `kt-${world.random.hex(24)}` };
  }
}
