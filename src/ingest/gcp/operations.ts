import { lookupOperation, type Operation } from '../../core/schemas/operations.ts';

/**
 * Cloud KMS methods (googleapis google/cloud/kms/v1: KeyManagementService, Autokey, AutokeyAdmin,
 * EkmService, HsmManagement; plus the IAMPolicy, Locations and Operations mixins the service exposes)
 * → normalised operations. Audit logs name most methods by their short name (`Decrypt`); Autokey and
 * some newer services use the fully qualified name (`google.cloud.kms.v1.Autokey.CreateKeyHandle`),
 * so the lookup uses the last dotted segment.
 */
export const GCP_KMS_OPERATIONS: Readonly<Record<string, Operation>> = {
  // Data plane (data_access log, DATA_READ / DATA_WRITE permissions).
  Encrypt: 'encrypt',
  Decrypt: 'decrypt',
  RawEncrypt: 'encrypt',
  RawDecrypt: 'decrypt',
  AsymmetricDecrypt: 'decrypt',
  AsymmetricSign: 'sign',
  MacSign: 'generate-mac',
  MacVerify: 'verify-mac',
  Decapsulate: 'derive-shared-secret',
  GenerateRandomBytes: 'generate-random',
  // Key lifecycle (activity log, ADMIN_WRITE).
  CreateCryptoKey: 'create-key',
  CreateKeyHandle: 'create-key',
  // A new version is new key material: rotation (manual, or Cloud KMS's own on its rotation schedule).
  CreateCryptoKeyVersion: 'rotate',
  // Switching the primary changes the material new encryptions use: the second half of a rotation.
  UpdateCryptoKeyPrimaryVersion: 'rotate',
  ImportCryptoKeyVersion: 'import-key',
  // Only schedules destruction (destroy_scheduled_duration later); RestoreCryptoKeyVersion cancels it.
  DestroyCryptoKeyVersion: 'schedule-deletion',
  RestoreCryptoKeyVersion: 'cancel-deletion',
  DeleteCryptoKey: 'destroy',
  DeleteCryptoKeyVersion: 'destroy',
  UpdateCryptoKey: 'update',
  UpdateCryptoKeyVersion: 'update',
  CreateKeyRing: 'update',
  CreateImportJob: 'update',
  SetIamPolicy: 'update',
  UpdateAutokeyConfig: 'update',
  CreateEkmConnection: 'update',
  UpdateEkmConnection: 'update',
  UpdateEkmConfig: 'update',
  CreateSingleTenantHsmInstance: 'update',
  CreateSingleTenantHsmInstanceProposal: 'update',
  ApproveSingleTenantHsmInstanceProposal: 'update',
  ExecuteSingleTenantHsmInstanceProposal: 'update',
  DeleteSingleTenantHsmInstanceProposal: 'update',
  // Metadata reads (ADMIN_READ).
  GetKeyRing: 'read-metadata',
  GetCryptoKey: 'read-metadata',
  GetCryptoKeyVersion: 'read-metadata',
  GetPublicKey: 'read-metadata',
  GetImportJob: 'read-metadata',
  GetKeyHandle: 'read-metadata',
  GetAutokeyConfig: 'read-metadata',
  ShowEffectiveAutokeyConfig: 'read-metadata',
  GetEkmConnection: 'read-metadata',
  GetEkmConfig: 'read-metadata',
  VerifyConnectivity: 'read-metadata',
  GetRetiredResource: 'read-metadata',
  GetSingleTenantHsmInstance: 'read-metadata',
  GetSingleTenantHsmInstanceProposal: 'read-metadata',
  ListKeyRings: 'read-metadata',
  ListCryptoKeys: 'read-metadata',
  ListCryptoKeyVersions: 'read-metadata',
  ListImportJobs: 'read-metadata',
  ListKeyHandles: 'read-metadata',
  ListEkmConnections: 'read-metadata',
  ListRetiredResources: 'read-metadata',
  ListSingleTenantHsmInstances: 'read-metadata',
  ListSingleTenantHsmInstanceProposals: 'read-metadata',
  GetIamPolicy: 'read-metadata',
  TestIamPermissions: 'read-metadata',
  GetLocation: 'read-metadata',
  ListLocations: 'read-metadata',
  GetOperation: 'read-metadata',
};

/** `google.cloud.kms.v1.Autokey.CreateKeyHandle` → `CreateKeyHandle`; a short name is returned as is. */
export function shortMethodName(methodName: string): string {
  const dot = methodName.lastIndexOf('.');
  return dot === -1 ? methodName : methodName.slice(dot + 1);
}

/**
 * UpdateCryptoKeyVersion moves a version between ENABLED and DISABLED (its other uses change labels or
 * an external key URI), so the requested state, when logged, says which lifecycle step it was.
 */
export function normaliseGcpOperation(methodName: string, request?: Record<string, unknown>): Operation {
  const short = shortMethodName(methodName);
  if (short === 'UpdateCryptoKeyVersion') {
    const version = request?.cryptoKeyVersion;
    const state = typeof version === 'object' && version !== null ? (version as { state?: unknown }).state : undefined;
    if (state === 'DISABLED') return 'disable';
    if (state === 'ENABLED') return 'enable';
  }
  return lookupOperation(GCP_KMS_OPERATIONS, short);
}
