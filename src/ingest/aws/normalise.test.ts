import { describe, expect, it } from 'vitest';
import { AWS_FILES, loadAllCloudTrailRecords, loadCloudTrailRecords, type CloudTrailFixtureRecord } from '../../../test/helpers/fixtures.ts';
import { canonicalBytes } from '../../core/canonical-json.ts';
import { KeytrailError } from '../../core/errors.ts';
import { sha256Hex } from '../../core/hash.ts';
import { KmsEvent } from '../../core/schemas/kms-event.ts';
import { normaliseCloudTrailRecord } from './normalise.ts';
import { AWS_KMS_OPERATIONS } from './operations.ts';

const context = { source: 'test', ingestTime: new Date('2026-01-10T13:00:00.000Z') };
const records = loadAllCloudTrailRecords();

function normalise(record: unknown): KmsEvent {
  const result = normaliseCloudTrailRecord(record, context);
  if (result.kind !== 'event') throw new Error(`expected an event, got ${result.reason}`);
  return KmsEvent.parse(JSON.parse(result.message.value.toString('utf8')));
}

function only(predicate: (record: CloudTrailFixtureRecord) => boolean): CloudTrailFixtureRecord {
  const found = records.filter(predicate);
  if (found.length === 0) throw new Error('no fixture record matches');
  return found[0]!;
}

const identityArn = (record: CloudTrailFixtureRecord): string | undefined => (record.userIdentity as { arn?: string } | undefined)?.arn;
const context$ = (record: CloudTrailFixtureRecord): Record<string, unknown> =>
  ((record.requestParameters as { encryptionContext?: Record<string, unknown> } | null)?.encryptionContext ?? {});

describe('normaliseCloudTrailRecord', () => {
  it('turns every KMS record of the fixtures into a schema-valid KmsEvent keyed on its eventID', () => {
    for (const record of records.filter((candidate) => candidate.eventSource === 'kms.amazonaws.com')) {
      const result = normaliseCloudTrailRecord(record, context);
      expect(result.kind).toBe('event');
      if (result.kind !== 'event') continue;
      expect(result.dedupKey).toBe(record.eventID);
      expect(normalise(record).eventId).toBe(record.eventID);
    }
  });

  it('maps an Encrypt call with its principal, key, key material, request id and the hash of the record', () => {
    const record = only((candidate) => candidate.eventName === 'Encrypt');
    const event = normalise(record);
    expect(event).toMatchObject({
      provider: 'aws',
      operation: 'encrypt',
      rawOperation: 'Encrypt',
      eventTime: record.eventTime,
      ingestTime: '2026-01-10T13:00:00.000Z',
      keyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      keyVersion: (record.additionalEventData as { keyMaterialId: string }).keyMaterialId,
      principal: { id: 'arn:aws:sts::111122223333:assumed-role/orders-api/orders-api-7f3c', type: 'AssumedRole' },
      account: '111122223333',
      region: 'eu-west-1',
      sourceIp: '198.51.100.7',
      outcome: 'success',
      errorCode: null,
      joinKeys: { requestId: record.requestID },
      invokedBy: null,
    });
    expect(event.rawSha256).toBe(sha256Hex(canonicalBytes(record)));
    expect(event.attributes).toMatchObject({ keyIdAsSent: 'alias/orders', sourceIdentity: 'alice@acme.example', eventType: 'AwsApiCall' });
  });

  it('maps GenerateDataKey and GenerateDataKeyWithoutPlaintext to generate-data-key, keeping the raw name', () => {
    for (const name of ['GenerateDataKey', 'GenerateDataKeyWithoutPlaintext']) {
      const event = normalise(only((candidate) => candidate.eventName === name && identityArn(candidate)?.includes('orders-api') === true));
      expect({ operation: event.operation, rawOperation: event.rawOperation }).toEqual({ operation: 'generate-data-key', rawOperation: name });
    }
  });

  it('takes the key of a Decrypt without keyId from resources[]', () => {
    const record = only((candidate) => candidate.eventName === 'Decrypt' && candidate.errorCode === undefined && identityArn(candidate)?.includes('orders-api') === true);
    expect((record.requestParameters as Record<string, unknown>).keyId).toBeUndefined();
    expect(normalise(record).keyId).toBe((record.resources as { ARN: string }[])[0]!.ARN);
  });

  it('names the source key of a ReEncrypt as keyId and the destination key as an attribute', () => {
    const record = only((candidate) => candidate.eventName === 'ReEncrypt');
    const [source, destination] = record.resources as { ARN: string }[];
    const event = normalise(record);
    expect({ operation: event.operation, keyId: event.keyId, destination: event.attributes?.destinationKeyId }).toEqual({
      operation: 're-encrypt',
      keyId: source!.ARN,
      destination: destination!.ARN,
    });
  });

  it('reports a failed call with its errorCode and message', () => {
    const event = normalise(only((candidate) => candidate.errorCode === 'IncorrectKeyException'));
    expect({ outcome: event.outcome, errorCode: event.errorCode }).toEqual({ outcome: 'failure', errorCode: 'IncorrectKeyException' });
    expect(event.attributes?.errorMessage).toMatch(/does not identify a CMK/);
  });

  it('keeps both copies of a cross-account call apart by eventID, with the same request id and sharedEventID', () => {
    const copies = records.filter((candidate) => candidate.sharedEventID !== undefined).map(normalise);
    expect(copies).toHaveLength(2);
    const [owner, caller] = [copies.find((event) => event.account === '111122223333')!, copies.find((event) => event.account === '444455556666')!];
    expect(owner.eventId).not.toBe(caller.eventId);
    expect(owner.joinKeys).toEqual(caller.joinKeys);
    expect(owner.attributes?.sharedEventID).toBe(caller.attributes?.sharedEventID);
    expect(owner.principal).toMatchObject({ type: 'AWSAccount' });
    expect(owner.attributes?.callerAccountId).toBe('444455556666');
    expect(caller.attributes?.keyAccountId).toBe('111122223333');
  });

  it('keeps a cross-account AccessDenied logged only in the caller account as a failure of that account', () => {
    const event = normalise(only((candidate) => candidate.errorCode === 'AccessDenied'));
    expect(event).toMatchObject({ outcome: 'failure', errorCode: 'AccessDenied', account: '444455556666' });
    expect(event.attributes?.keyAccountId).toBe('111122223333');
  });

  it('marks an S3 SSE-KMS call as invoked by S3 and keeps the original principal', () => {
    const record = only((candidate) => 'aws:s3:arn' in context$(candidate));
    const event = normalise(record);
    expect(event.invokedBy).toBe('s3.amazonaws.com');
    expect(event.principal?.id).toBe(identityArn(record));
    expect(event.attributes?.invokedByEvidence).toBe('userIdentity.invokedBy');
  });

  it('detects an S3 call from its encryption context when CloudTrail names no service', () => {
    const record = only((candidate) => 'aws:s3:arn' in context$(candidate));
    const { invokedBy: _dropped, ...identity } = record.userIdentity as Record<string, unknown>;
    const event = normalise({ ...record, userIdentity: identity, sourceIPAddress: '198.51.100.20' });
    expect({ invokedBy: event.invokedBy, evidence: event.attributes?.invokedByEvidence }).toEqual({ invokedBy: 's3.amazonaws.com', evidence: 'encryptionContext' });
  });

  it('keeps the non-UUID requestID of an EBS GenerateDataKeyWithoutPlaintext and marks it service-invoked', () => {
    const event = normalise(only((candidate) => candidate.eventName === 'GenerateDataKeyWithoutPlaintext' && 'aws:ebs:id' in context$(candidate)));
    expect(event.joinKeys.requestId).toMatch(/^create-111122223333-/);
    expect(event.invokedBy).toBe('AWS Internal');
  });

  it('marks a Decrypt by an aws:ec2-infrastructure session as invoked by EC2', () => {
    const event = normalise(only((candidate) => identityArn(candidate)?.includes('aws:ec2-infrastructure') === true));
    expect({ invokedBy: event.invokedBy, userAgent: event.userAgent, evidence: event.attributes?.invokedByEvidence }).toEqual({
      invokedBy: 'ec2.amazonaws.com',
      userAgent: null,
      evidence: 'ec2-infrastructure-session',
    });
  });

  it('gives a CreateGrant the requestID it shares with the RunInstances that caused it, and filters the EC2 record', () => {
    const grant = only((candidate) => candidate.eventName === 'CreateGrant');
    const run = only((candidate) => candidate.eventName === 'RunInstances');
    expect(grant.requestID).toBe(run.requestID);
    expect(normalise(grant).joinKeys.requestId).toBe(run.requestID);
    expect(normaliseCloudTrailRecord(run, context)).toEqual({ kind: 'filtered', reason: 'eventSource ec2.amazonaws.com is not kms.amazonaws.com' });
  });

  it('reads CreateKey and ScheduleKeyDeletion despite their non-ISO response dates', () => {
    const create = only((candidate) => candidate.eventName === 'CreateKey');
    expect(JSON.stringify(create.responseElements)).toContain('"creationDate":"Jan 10, 2026, 12:20:11 PM"');
    expect(normalise(create)).toMatchObject({ operation: 'create-key', keyId: (create.responseElements as { keyMetadata: { arn: string } }).keyMetadata.arn });
    expect(normalise(only((candidate) => candidate.eventName === 'ScheduleKeyDeletion')).operation).toBe('schedule-deletion');
  });

  it('takes the key of a CreateKey from its response when resources[] is absent', () => {
    const { resources: _dropped, ...create } = only((candidate) => candidate.eventName === 'CreateKey');
    expect(normalise(create).keyId).toBe((create.responseElements as { keyMetadata: { arn: string } }).keyMetadata.arn);
  });

  it('maps the RotateKey service event: no requestID, no principal, new key material, rotation type', () => {
    const record = only((candidate) => candidate.eventName === 'RotateKey');
    expect(record.requestID).toBeUndefined();
    const event = normalise(record);
    expect(event).toMatchObject({ operation: 'rotate', joinKeys: {}, principal: null, invokedBy: 'AWS Internal', account: '111122223333' });
    expect(event.keyVersion).toBe((record.serviceEventDetails as { currentKeyMaterialId: string }).currentKeyMaterialId);
    expect(event.attributes).toMatchObject({ eventType: 'AwsServiceEvent', rotationType: 'ON_DEMAND' });
  });

  it('maps the lifecycle calls of the fixtures to their normalised operations', () => {
    const lifecycle = loadCloudTrailRecords(AWS_FILES.lifecycle).map(normalise);
    expect(Object.fromEntries(lifecycle.map((event) => [event.rawOperation, event.operation]))).toMatchObject({
      CreateKey: 'create-key',
      EnableKeyRotation: 'enable-rotation',
      RotateKeyOnDemand: 'rotate',
      RotateKey: 'rotate',
      DisableKey: 'disable',
      ScheduleKeyDeletion: 'schedule-deletion',
    });
  });

  it('maps every AWS KMS action it knows and calls anything else other, keeping the raw name', () => {
    const base = only((candidate) => candidate.eventName === 'Encrypt');
    for (const [name, operation] of Object.entries(AWS_KMS_OPERATIONS)) expect(normalise({ ...base, eventName: name }).operation).toBe(operation);
    expect(normalise({ ...base, eventName: 'SomeFutureAction' })).toMatchObject({ operation: 'other', rawOperation: 'SomeFutureAction' });
  });

  it('recognises a KMS key ARN in resources[] of older records that carry no type', () => {
    const base = only((candidate) => candidate.eventName === 'Decrypt' && identityArn(candidate)?.includes('orders-api') === true);
    const resources = [{ ARN: 'arn:aws:kms:us-east-1:123456789012:key/e29ddfd4-1bf6-4e1b-8ecb-08216bd70d07', accountId: '123456789012' }];
    expect(normalise({ ...base, resources }).keyId).toBe(resources[0]!.ARN);
  });

  it('rejects a record without eventID or with a non-UTC eventTime, listing each problem with its path', () => {
    const { eventID: _dropped, ...base } = only((candidate) => candidate.eventName === 'Encrypt');
    let caught: unknown;
    try {
      normaliseCloudTrailRecord({ ...base, eventTime: '2026-01-10 12:00:00' }, context);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KeytrailError);
    expect((caught as KeytrailError).code).toBe('INGEST_AWS_RECORD_INVALID');
    expect(((caught as KeytrailError).details.problems as { path: string }[]).map((problem) => problem.path).sort()).toEqual(['eventID', 'eventTime']);
  });
});
