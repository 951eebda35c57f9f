import type { Operation } from '../../src/core/schemas/operations.ts';
import { createKmsCall } from './calls.ts';
import type { App } from './cast.ts';
import { appDelay, deliver, deliverChallenge, kmsDelay, type World } from './world.ts';

const APP_OPERATIONS: Record<App['provider'], Operation[]> = {
  aws: ['decrypt', 'encrypt', 'generate-data-key'],
  gcp: ['decrypt', 'encrypt'],
  azure: ['unwrap', 'wrap', 'decrypt', 'encrypt'],
  vault: ['decrypt', 'encrypt', 'generate-data-key'],
};

/** The call whose result an application caches as a data key. */
const ORIGIN_OPERATION: Record<App['provider'], Operation> = { aws: 'generate-data-key', gcp: 'encrypt', azure: 'wrap', vault: 'generate-data-key' };

export interface CallOptions {
  operation?: Operation;
  outcome?: 'success' | 'failure';
  /** Vault: the X-Correlation-Id of the user request this call belongs to. */
  correlationId?: string;
  /** The KMS record never reaches keytrail (data-access logging off, a lost file). */
  missingKms?: boolean;
  /** Vault: no audit device logged the response; the application got an error and reports a failure. */
  responseMissing?: boolean;
}

/** Share of Azure calls made by a fresh client, whose first request is the unauthenticated challenge. */
const AZURE_CHALLENGE_SHARE = 0.03;

/** A user's request makes an application call KMS and report it. */
export function appCall(world: World, app: App, user: { id: string; tenant: string }, options: CallOptions = {}): void {
  const { random } = world;
  const time = world.nowMs;
  const operation = options.operation ?? random.pick(APP_OPERATIONS[app.provider]);
  const outcome = options.responseMissing === true ? 'failure' : (options.outcome ?? 'success');
  const keyId = random.pick(app.keys);
  const requestId = random.uuid();
  const keys = joinKeysFor(world, app, requestId, outcome, options);
  const keyless = Object.keys(keys.kms).length === 0;
  const missingKms = options.missingKms === true && !keyless;
  const call = createKmsCall(random, {
    provider: app.provider,
    // Vault's event id is request.id; GCP's insertId; AWS the eventID; Azure records carry none (the scenario's own).
    eventId: app.provider === 'vault' ? keys.kms.requestId! : app.provider === 'gcp' ? random.hex(16) : random.uuid(),
    timeMs: time,
    operation,
    keyId: app.provider === 'gcp' && random.chance(0.2) ? `${keyId}/cryptoKeyVersions/${random.int(1, 3)}` : keyId,
    principal: app.principal,
    outcome,
    joinKeys: keys.kms,
    invokedBy: null,
    sourceIp: `198.51.100.${random.int(1, 254)}`,
    ...(app.provider === 'gcp' ? { tokenStyle: app.tokenStyle } : {}),
    ...(options.responseMissing === true ? { responseMissing: true } : {}),
  });
  const value: Record<string, unknown> = {
    ...appEventBase(world, app, user, operation, keyId),
    ...keys.app,
    ...(keyless ? { principal: app.principal.id } : {}),
    outcome,
    requestId: `req-${random.hex(8)}`,
  };
  // Heuristic traffic is always delivered within its window: the rule cannot see a partner that is missing (see README).
  const beyond = keyless || !random.chance(world.beyondShare) ? 'none' : random.chance(0.5) ? 'kms' : 'app';
  if (!missingKms) {
    const delay = kmsDelay(world, app.provider, beyond === 'kms');
    if (app.provider === 'azure' && random.chance(AZURE_CHALLENGE_SHARE)) deliverChallenge(world, call, delay);
    // A second device that logged the response would tell another story: such calls are not repeated.
    deliver(world, { kind: 'kms', call }, delay, { duplicable: options.responseMissing !== true });
  }
  deliver(world, { kind: 'app', value }, appDelay(world, beyond === 'app'));
  const kmsInputId = `kms:${call.provider}:${call.eventId}`;
  const appInputId = `app:${String(value.eventId)}`;
  if (world.truth !== undefined) {
    const onTime = beyond === 'none';
    if (missingKms) world.truth.app.set(appInputId, { cause: 'missing-kms', user: user.id, onTime });
    else {
      world.truth.kms.set(kmsInputId, { cause: 'app', appInputId, user: user.id, joinable: keyless ? 'heuristic' : 'exact', onTime });
      world.truth.app.set(appInputId, { cause: keyless ? 'heuristic' : 'exact', kmsInputId, user: user.id, onTime });
    }
  }
  if (!missingKms && !keyless && outcome === 'success' && operation === ORIGIN_OPERATION[app.provider]) {
    world.caches.set(app.name, {
      originInputId: kmsInputId,
      originRequestId: keys.origin,
      ...(app.provider === 'vault' ? { originCorrelationId: keys.kms.correlationId! } : {}),
      keyId,
      createdMs: time,
      onTime: beyond !== 'kms',
    });
  }
}

/** A request served from a cached data key: the application reports it, KMS logs nothing. */
export function cacheHit(world: World, app: App, user: { id: string; tenant: string }): boolean {
  const cached = world.caches.get(app.name);
  if (cached === undefined || world.nowMs - cached.createdMs > 10 * 60_000) return false;
  const { random } = world;
  const value: Record<string, unknown> = {
    ...appEventBase(world, app, user, random.pick(['decrypt', 'encrypt']), cached.keyId),
    cacheHit: true,
    dataKey: { id: `dk-${random.hex(12)}`, originKmsRequestId: cached.originRequestId, ...(cached.originCorrelationId === undefined ? {} : { originCorrelationId: cached.originCorrelationId }) },
    outcome: 'success',
  };
  const beyond = random.chance(world.beyondShare);
  deliver(world, { kind: 'app', value }, appDelay(world, beyond));
  world.truth?.app.set(`app:${String(value.eventId)}`, { cause: 'cached', kmsInputId: cached.originInputId, user: user.id, onTime: !beyond && cached.onTime });
  return true;
}

function appEventBase(world: World, app: App, user: { id: string; tenant: string }, operation: string, keyId: string): Record<string, unknown> {
  const appTime = world.nowMs + app.skewMs;
  // Some applications report local time with an offset; RFC 3339 allows it and keytrail must read it.
  const time = world.random.chance(0.1) ? withOffset(appTime, 60) : new Date(appTime).toISOString();
  return { eventId: world.random.uuid(), time, app: app.name, user, operation, provider: app.provider, keyId };
}

function withOffset(timeMs: number, offsetMinutes: number): string {
  const local = new Date(timeMs + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
  return `${local}${sign}${hours}:${minutes}`;
}

/**
 * The join keys on both sides, per provider: AWS requestID = $metadata.requestId; Azure correlationId =
 * x-ms-request-id (or the client's id where the vault logs that, which the application then reports
 * alone); Vault request.id = request_id plus the audited X-Correlation-Id (a failed call returns no
 * request_id); GCP a token in the user agent, or nothing at all.
 */
function joinKeysFor(world: World, app: App, requestId: string, outcome: string, options: CallOptions) {
  const { random } = world;
  switch (app.provider) {
    case 'aws':
      return { kms: { requestId }, app: { kmsRequestId: requestId }, origin: requestId };
    case 'azure': {
      const clientRequestId = random.uuid();
      if (app.logsClientRequestId) return { kms: { correlationId: clientRequestId }, app: { correlationId: clientRequestId }, origin: clientRequestId };
      return { kms: { correlationId: requestId }, app: { kmsRequestId: requestId, correlationId: clientRequestId }, origin: requestId };
    }
    case 'vault': {
      const correlationId = options.correlationId ?? random.uuid();
      const app = outcome === 'success' ? { kmsRequestId: requestId, correlationId } : { correlationId };
      return { kms: { requestId, correlationId }, app, origin: requestId };
    }
    case 'gcp': {
      if (!random.chance(app.tokenShare)) return { kms: {}, app: {}, origin: '' };
      const token = `kt-${random.hex(24)}`;
      return { kms: { token }, app: { correlationId: token }, origin: token };
    }
  }
}
