import { describe, expect, it } from 'vitest';
import type { KmsEvent } from '../../core/schemas/kms-event.ts';
import { readFixtureDocuments } from '../../../test/helpers/fixtures.ts';
import { normaliseGcpEntry } from './normalise.ts';

const context = { source: 'fixture', ingestTime: new Date('2026-01-10T13:00:00Z') };
const entries = [...readFixtureDocuments('gcp/data-access.json'), ...readFixtureDocuments('gcp/activity-sink.ndjson')];

function normalised(insertId: string): KmsEvent {
  const entry = entries.find((candidate) => candidate.insertId === insertId);
  const result = normaliseGcpEntry(entry, context);
  if (result.kind !== 'event') throw new Error(`${insertId} was filtered: ${result.reason}`);
  return JSON.parse(result.message.value.toString('utf8')) as KmsEvent;
}

const DEK = 'projects/keytrail-demo-prod/locations/europe-west1/keyRings/app-keys/cryptoKeys/orders-dek';

describe('normaliseGcpEntry', () => {
  it('maps a data-access Encrypt with its key, caller, project, region and the keytrail user-agent token', () => {
    expect(normalised('1n0f4qe2k8ab')).toMatchObject({
      provider: 'gcp',
      eventId: 'projects/keytrail-demo-prod/logs/cloudaudit.googleapis.com%2Fdata_access#1n0f4qe2k8ab',
      eventTime: '2026-01-10T12:00:01.118356Z',
      operation: 'encrypt',
      rawOperation: 'Encrypt',
      keyId: DEK,
      keyVersion: null,
      principal: { id: 'orders-api@keytrail-demo-prod.iam.gserviceaccount.com', type: 'serviceAccount' },
      account: 'keytrail-demo-prod',
      region: 'europe-west1',
      sourceIp: '203.0.113.24',
      outcome: 'success',
      joinKeys: { token: '5f0c2a7e-6b1d-4c39-9a53-0e8f4d2b7c11' },
      invokedBy: null,
    });
  });

  it('takes the join token from requestAttributes.reason', () => {
    expect(normalised('1n0f4qe2k8ac').joinKeys).toEqual({ token: '8e2d61b4-0c7a-4f5e-b0d9-31a6c4e8f902' });
  });

  it('reads the key version from a version resourceName (AsymmetricSign, MacSign)', () => {
    expect(normalised('1n0f4qe2k8ad')).toMatchObject({ operation: 'sign', keyId: 'projects/keytrail-demo-prod/locations/europe-west1/keyRings/app-keys/cryptoKeys/invoice-signing', keyVersion: '3' });
    expect(normalised('1n0f4qe2k8ah')).toMatchObject({ operation: 'generate-mac', keyVersion: '1', joinKeys: {} });
  });

  it('reports PERMISSION_DENIED (status.code 7) as a failure', () => {
    expect(normalised('1n0f4qe2k8ae')).toMatchObject({ outcome: 'failure', errorCode: 'PERMISSION_DENIED' });
  });

  it('marks a CMEK service-agent call (callerIp "private") as service-invoked with no join key', () => {
    expect(normalised('1n0f4qe2k8af')).toMatchObject({
      principal: { id: 'service-123456789012@gs-project-accounts.iam.gserviceaccount.com', type: 'serviceAgent' },
      sourceIp: 'private',
      invokedBy: 'storage.googleapis.com',
      joinKeys: {},
    });
  });

  it('keeps the impersonation chain of serviceAccountDelegationInfo, original authority first', () => {
    expect(normalised('1n0f4qe2k8ag').principal).toEqual({ id: 'orders-batch@keytrail-demo-prod.iam.gserviceaccount.com', type: 'serviceAccount', delegationChain: ['alice@example.com'] });
  });

  it('maps key lifecycle methods of the activity log, versions included', () => {
    expect(normalised('-4x1c9ge1w2z3')).toMatchObject({ operation: 'create-key', keyId: 'projects/keytrail-demo-prod/locations/europe-west1/keyRings/app-keys/cryptoKeys/payments-dek', keyVersion: '1' });
    expect(normalised('-4x1c9ge1w2z4')).toMatchObject({ operation: 'rotate', keyVersion: '2' });
    expect(normalised('-4x1c9ge1w2z5')).toMatchObject({ operation: 'rotate', rawOperation: 'UpdateCryptoKeyPrimaryVersion', keyVersion: '2' });
    expect(normalised('-4x1c9ge1w2z6')).toMatchObject({ operation: 'schedule-deletion', keyVersion: '1' });
    expect(normalised('-4x1c9ge1w2za')).toMatchObject({ operation: 'update', rawOperation: 'SetIamPolicy' });
  });

  it('files a CreateCryptoKey that failed (no response logged) under the key it asked for, not under the key ring', () => {
    const created = entries.find((entry) => entry.insertId === '-4x1c9ge1w2z3')!;
    const { response: _response, ...payload } = created.protoPayload as Record<string, unknown>;
    const denied = { ...created, insertId: '-4x1c9ge1w2zz', severity: 'ERROR', protoPayload: { ...payload, status: { code: 7, message: "Permission 'cloudkms.cryptoKeys.create' denied" } } };
    const result = normaliseGcpEntry(denied, context);
    const event = result.kind === 'event' ? (JSON.parse(result.message.value.toString('utf8')) as KmsEvent) : undefined;
    expect(event).toMatchObject({ operation: 'create-key', outcome: 'failure', errorCode: 'PERMISSION_DENIED', keyId: 'projects/keytrail-demo-prod/locations/europe-west1/keyRings/app-keys/cryptoKeys/payments-dek', keyVersion: null });
  });

  it('attributes an automatic rotation to the Cloud KMS service agent', () => {
    expect(normalised('-4x1c9ge1w2z7')).toMatchObject({ operation: 'rotate', keyId: DEK, keyVersion: '7', invokedBy: 'cloudkms.googleapis.com', eventTime: '2026-01-10T12:04:00Z' });
  });

  it('accepts a fully qualified Autokey methodName and keeps both entries of its long-running operation', () => {
    const first = normalised('-4x1c9ge1w2z8');
    const last = normalised('-4x1c9ge1w2z9');
    const operationId = 'projects/keytrail-demo-prod/locations/europe-west1/operations/Q3JlYXRlS2V5SGFuZGxlLTRlNmE';
    expect(first).toMatchObject({ operation: 'create-key', rawOperation: 'google.cloud.kms.v1.Autokey.CreateKeyHandle', longRunning: { id: operationId, first: true, last: false } });
    expect(first.keyId).toBe('projects/keytrail-demo-prod/locations/europe-west1/keyHandles/4e6a1f0c-8b2d-4c7e-9f31-a05d2e7b6c18');
    expect(last).toMatchObject({ longRunning: { id: operationId, first: false, last: true }, keyId: 'projects/keytrail-demo-keys/locations/europe-west1/keyRings/autokey/cryptoKeys/storage-bucket-2b7d9c41', account: 'keytrail-demo-keys' });
  });

  it('counts other services and non-audit entries as filtered, not as errors', () => {
    expect(normaliseGcpEntry(entries.find((entry) => entry.insertId === '-r2k4dke1b9c1'), context)).toEqual({ kind: 'filtered', reason: 'serviceName storage.googleapis.com is not cloudkms.googleapis.com' });
    expect(normaliseGcpEntry({ logName: 'projects/p/logs/app', insertId: 'x', timestamp: '2026-01-10T12:00:00Z', jsonPayload: {} }, context).kind).toBe('filtered');
  });

  it('rejects entries without their identifying fields, listing every problem', () => {
    expect(() => normaliseGcpEntry({ insertId: 7, protoPayload: {} }, context)).toThrowError(expect.objectContaining({ code: 'INGEST_GCP_ENTRY_INVALID', details: { problems: expect.arrayContaining([expect.objectContaining({ path: 'logName' }), expect.objectContaining({ path: 'insertId' }), expect.objectContaining({ path: 'timestamp' })]) } }));
    const entry = { ...entries[0]!, protoPayload: { ...(entries[0]!.protoPayload as object), methodName: '' } };
    expect(() => normaliseGcpEntry(entry, context)).toThrowError(expect.objectContaining({ code: 'INGEST_GCP_ENTRY_INVALID', details: { problems: [expect.objectContaining({ path: 'protoPayload.methodName' })] } }));
  });

  it('turns an offset timestamp into UTC and keeps its nanoseconds', () => {
    const entry = { ...entries[0]!, timestamp: '2026-01-10T13:00:01.123456789+01:00' };
    const result = normaliseGcpEntry(entry, context);
    expect(result.kind === 'event' && (JSON.parse(result.message.value.toString('utf8')) as KmsEvent).eventTime).toBe('2026-01-10T12:00:01.123456789Z');
  });
});
