import type { Operation } from '../../src/core/schemas/operations.ts';
import type { KmsCall } from './calls.ts';
import { ACCOUNT, REGION } from './cast.ts';

const EVENT_NAMES: Partial<Record<Operation, string>> = {
  encrypt: 'Encrypt',
  decrypt: 'Decrypt',
  'generate-data-key': 'GenerateDataKey',
  'create-key': 'CreateKey',
  disable: 'DisableKey',
  'enable-rotation': 'EnableKeyRotation',
  'schedule-deletion': 'ScheduleKeyDeletion',
  rotate: 'RotateKey',
};

/**
 * A CloudTrail record for the call, field for field as in the CloudTrail record contents reference and
 * the KMS developer guide's examples (ct-decrypt, ct-rotatekey; automatic rotation is an AwsServiceEvent
 * with invokedBy "AWS Internal", no requestID and null requestParameters). eventTime has second precision.
 */
export function renderCloudTrailRecord(call: KmsCall): Record<string, unknown> {
  const eventName = EVENT_NAMES[call.operation];
  if (eventName === undefined) throw new Error(`no CloudTrail event name for ${call.operation}`);
  const eventTime = new Date(Math.floor(call.timeMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const keyArn = call.keyId;
  const resources = [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: keyArn }];
  if (call.invokedBy === 'AWS Internal') {
    return {
      eventVersion: '1.11',
      userIdentity: { accountId: ACCOUNT, invokedBy: 'AWS Internal' },
      eventTime,
      eventSource: 'kms.amazonaws.com',
      eventName,
      awsRegion: REGION,
      sourceIPAddress: 'AWS Internal',
      userAgent: 'AWS Internal',
      requestParameters: null,
      responseElements: null,
      eventID: call.eventId,
      readOnly: false,
      resources,
      eventType: 'AwsServiceEvent',
      recipientAccountId: ACCOUNT,
      serviceEventDetails: { rotationType: 'AUTOMATIC', keyId: keyArn.split('/').pop() },
      eventCategory: 'Management',
    };
  }
  const principal = call.principal!;
  const session = principal.id.split('/').pop()!;
  const role = principal.id.split('/')[1]!;
  const isCrypto = call.operation === 'encrypt' || call.operation === 'decrypt' || call.operation === 'generate-data-key';
  return {
    eventVersion: '1.11',
    userIdentity: {
      type: principal.type,
      principalId: `AROA${role.toUpperCase().replace(/[^A-Z0-9]/g, '')}:${session}`,
      arn: principal.id,
      accountId: ACCOUNT,
      ...(call.invokedBy === null ? {} : { invokedBy: call.invokedBy }),
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role }, attributes: { mfaAuthenticated: 'false' } },
    },
    eventTime,
    eventSource: 'kms.amazonaws.com',
    eventName,
    awsRegion: REGION,
    sourceIPAddress: call.invokedBy ?? call.sourceIp,
    userAgent: call.invokedBy ?? 'aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#24 api/kms#3.700.0',
    requestParameters: requestParametersFor(call),
    responseElements: null,
    ...(isCrypto && call.outcome === 'success' ? { additionalEventData: { keyMaterialId: call.eventId.replace(/-/g, '').padEnd(64, '0') } } : {}),
    ...(call.joinKeys.requestId === undefined ? {} : { requestID: call.joinKeys.requestId }),
    eventID: call.eventId,
    readOnly: isCrypto,
    resources,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...(call.outcome === 'failure' ? { errorCode: 'AccessDeniedException', errorMessage: `User: ${principal.id} is not authorized to perform: kms:${eventName}` } : {}),
  };
}

function requestParametersFor(call: KmsCall): Record<string, unknown> {
  const context = call.invokedBy === 's3.amazonaws.com' ? { 'aws:s3:arn': `arn:aws:s3:::exports-${ACCOUNT}/object-${call.eventId.slice(0, 8)}` } : { app: 'keytrail-scenario' };
  switch (call.operation) {
    case 'decrypt':
      return { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: context };
    case 'encrypt':
      return { keyId: call.keyId, encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: context };
    case 'generate-data-key':
      return { keyId: call.keyId, keySpec: 'AES_256', encryptionContext: context };
    case 'schedule-deletion':
      return { keyId: call.keyId, pendingWindowInDays: 30 };
    case 'create-key':
      return { description: 'scenario key', keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT', origin: 'AWS_KMS' };
    default:
      return { keyId: call.keyId };
  }
}
