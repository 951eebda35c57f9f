import { describe, expect, it } from 'vitest';
import { appEventPartitionKey, kmsEventPartitionKey } from './partition-key.ts';
import { appEvent, kmsEvent } from '../../test/helpers/correlate-harness.ts';

describe('partition keys: both halves of every join land on one key', () => {
  it.each([
    ['aws', { requestId: 'r-1' }, { kmsRequestId: 'r-1' }, 'aws:id:r-1'],
    ['azure', { correlationId: 'server-1' }, { kmsRequestId: 'server-1', correlationId: 'client-1' }, 'azure:id:server-1'],
    ['azure', { correlationId: 'client-2' }, { correlationId: 'client-2' }, 'azure:id:client-2'],
    ['vault', { requestId: 'r-3', correlationId: 'user-request-3' }, { kmsRequestId: 'r-3', correlationId: 'user-request-3' }, 'vault:id:user-request-3'],
    ['vault', { requestId: 'r-4', correlationId: 'user-request-4' }, { correlationId: 'user-request-4' }, 'vault:id:user-request-4'],
    ['vault', { requestId: 'r-5' }, { kmsRequestId: 'r-5' }, 'vault:id:r-5'],
    ['gcp', { token: 'kt-6' }, { correlationId: 'kt-6' }, 'gcp:id:kt-6'],
  ] as const)('%s: KMS keys %j and app keys %j share %s', (provider, joinKeys, appKeys, expected) => {
    expect(kmsEventPartitionKey(kmsEvent(0, { provider, joinKeys }))).toBe(expected);
    expect(appEventPartitionKey(appEvent(0, { provider, ...appKeys }).event)).toBe(expected);
  });

  it('keys a cache hit like the call that produced its data key', () => {
    const origin = kmsEvent(0, { provider: 'vault', joinKeys: { requestId: 'r-7', correlationId: 'user-request-7' } });
    const hit = appEvent(60, { provider: 'vault', cacheHit: true, dataKey: { id: 'dk', originKmsRequestId: 'r-7', originCorrelationId: 'user-request-7' } });
    expect(appEventPartitionKey(hit.event)).toBe(kmsEventPartitionKey(origin));
    const gcpOrigin = kmsEvent(0, { provider: 'gcp', joinKeys: { token: 'kt-8' } });
    expect(appEventPartitionKey(appEvent(60, { provider: 'gcp', cacheHit: true, dataKey: { id: 'dk', originKmsRequestId: 'kt-8' } }).event)).toBe(kmsEventPartitionKey(gcpOrigin));
  });

  it('keys events without any id by key name, without the GCP key version, where the heuristic looks', () => {
    const key = 'projects/p/locations/l/keyRings/r/cryptoKeys/k';
    expect(kmsEventPartitionKey(kmsEvent(0, { provider: 'gcp', keyId: `${key}/cryptoKeyVersions/3`, joinKeys: {} }))).toBe(`gcp:key:${key}`);
    expect(appEventPartitionKey(appEvent(0, { provider: 'gcp', keyId: key, principal: 'sa@p.iam.gserviceaccount.com' }).event)).toBe(`gcp:key:${key}`);
  });
});
