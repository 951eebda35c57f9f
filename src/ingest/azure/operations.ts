import { lookupOperation, type Operation } from '../../core/schemas/operations.ts';

/**
 * Key Vault `AuditEvent` operation names for keys (MicrosoftDocs azure-security-docs
 * articles/key-vault/general/logging.md, "Keys") → normalised operations.
 */
export const AZURE_KEY_OPERATIONS: Readonly<Record<string, Operation>> = {
  KeyEncrypt: 'encrypt',
  KeyDecrypt: 'decrypt',
  KeyWrap: 'wrap',
  KeyUnwrap: 'unwrap',
  KeySign: 'sign',
  KeyVerify: 'verify',
  KeyCreate: 'create-key',
  KeyImport: 'import-key',
  KeyUpdate: 'update',
  // Soft delete is always on: a deleted key can be recovered until it is purged.
  KeyDelete: 'schedule-deletion',
  KeyRecover: 'cancel-deletion',
  KeyPurge: 'destroy',
  KeyRestore: 'restore',
  KeyRotate: 'rotate',
  // Scheduled automated rotation from the key's rotation policy.
  KeyRotateIfDue: 'rotate',
  KeyRotationPolicySet: 'update',
  KeyRotationPolicyGet: 'read-metadata',
  KeyGet: 'read-metadata',
  KeyList: 'read-metadata',
  KeyListVersions: 'read-metadata',
  KeyGetDeleted: 'read-metadata',
  KeyListDeleted: 'read-metadata',
  // A backup blob holds the key material (protected by the service); kept apart from metadata reads.
  KeyBackup: 'other',
  KeyRelease: 'other',
  KeyNearExpiryEventGridNotification: 'other',
  KeyExpiredEventGridNotification: 'other',
};

/** Key operations are `Key<Verb>`; vault, secret and certificate operations are out of scope. */
export function isKeyOperation(operationName: string): boolean {
  return /^Key[A-Z]/.test(operationName);
}

export function normaliseAzureOperation(operationName: string): Operation {
  return lookupOperation(AZURE_KEY_OPERATIONS, operationName);
}
