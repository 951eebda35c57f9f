import { lookupOperation, type Operation } from '../../core/schemas/operations.ts';

/**
 * AWS KMS API actions (AWS KMS API Reference, "Actions") → normalised operations. CloudTrail logs each
 * under eventSource kms.amazonaws.com with the action as eventName; RotateKey, DeleteKey,
 * DeleteExpiredKeyMaterial and SynchronizeMultiRegionKey appear as AwsServiceEvent records when KMS itself
 * acts (AWS KMS Developer Guide, "Logging AWS KMS API calls with AWS CloudTrail").
 */
export const AWS_KMS_OPERATIONS: Readonly<Record<string, Operation>> = {
  Encrypt: 'encrypt',
  Decrypt: 'decrypt',
  ReEncrypt: 're-encrypt',
  GenerateDataKey: 'generate-data-key',
  GenerateDataKeyWithoutPlaintext: 'generate-data-key',
  GenerateDataKeyPair: 'generate-data-key-pair',
  GenerateDataKeyPairWithoutPlaintext: 'generate-data-key-pair',
  Sign: 'sign',
  Verify: 'verify',
  GenerateMac: 'generate-mac',
  VerifyMac: 'verify-mac',
  DeriveSharedSecret: 'derive-shared-secret',
  GenerateRandom: 'generate-random',
  CreateKey: 'create-key',
  ReplicateKey: 'create-key',
  ImportKeyMaterial: 'import-key',
  RotateKey: 'rotate',
  RotateKeyOnDemand: 'rotate',
  EnableKey: 'enable',
  DisableKey: 'disable',
  EnableKeyRotation: 'enable-rotation',
  DisableKeyRotation: 'disable-rotation',
  ScheduleKeyDeletion: 'schedule-deletion',
  CancelKeyDeletion: 'cancel-deletion',
  DeleteKey: 'destroy',
  DeleteImportedKeyMaterial: 'destroy',
  PutKeyPolicy: 'update',
  UpdateKeyDescription: 'update',
  UpdatePrimaryRegion: 'update',
  CreateAlias: 'update',
  UpdateAlias: 'update',
  DeleteAlias: 'update',
  CreateGrant: 'update',
  RetireGrant: 'update',
  RevokeGrant: 'update',
  TagResource: 'update',
  UntagResource: 'update',
  DescribeKey: 'read-metadata',
  GetKeyPolicy: 'read-metadata',
  GetKeyRotationStatus: 'read-metadata',
  GetPublicKey: 'read-metadata',
  GetParametersForImport: 'read-metadata',
  ListAliases: 'read-metadata',
  ListGrants: 'read-metadata',
  ListKeyPolicies: 'read-metadata',
  ListKeyRotations: 'read-metadata',
  ListKeys: 'read-metadata',
  ListResourceTags: 'read-metadata',
  ListRetirableGrants: 'read-metadata',
  DescribeCustomKeyStores: 'read-metadata',
  // Custom key stores and multi-Region replicas change where key material lives: administrative updates.
  CreateCustomKeyStore: 'update',
  UpdateCustomKeyStore: 'update',
  DeleteCustomKeyStore: 'update',
  ConnectCustomKeyStore: 'update',
  DisconnectCustomKeyStore: 'update',
  SynchronizeMultiRegionKey: 'update',
  // AwsServiceEvent: KMS deletes imported key material when it expires.
  DeleteExpiredKeyMaterial: 'destroy',
};

export function normaliseAwsOperation(eventName: string): Operation {
  return lookupOperation(AWS_KMS_OPERATIONS, eventName);
}
