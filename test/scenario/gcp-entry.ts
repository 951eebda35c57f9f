import type { Operation } from '../../src/core/schemas/operations.ts';
import { formatCallTime, type KmsCall } from './calls.ts';
import { GCP_PROJECT_NUMBER } from './cast.ts';

interface Method {
  name: string;
  permission: string;
  permissionType: 'DATA_READ' | 'DATA_WRITE' | 'ADMIN_WRITE';
  /** The resource the method is called on: the key (or version) itself, its key ring, or a version. */
  on: 'key' | 'ring' | 'version';
}

const ENCRYPT: Method = { name: 'Encrypt', permission: 'cloudkms.cryptoKeyVersions.useToEncrypt', permissionType: 'DATA_WRITE', on: 'key' };
const DECRYPT: Method = { name: 'Decrypt', permission: 'cloudkms.cryptoKeyVersions.useToDecrypt', permissionType: 'DATA_READ', on: 'key' };
const LIFECYCLE: Partial<Record<Operation, readonly Method[]>> = {
  // New key material, then new material in use: both are rotations (docs/ingest-gcp.md).
  rotate: [
    { name: 'CreateCryptoKeyVersion', permission: 'cloudkms.cryptoKeyVersions.create', permissionType: 'ADMIN_WRITE', on: 'key' },
    { name: 'UpdateCryptoKeyPrimaryVersion', permission: 'cloudkms.cryptoKeys.update', permissionType: 'ADMIN_WRITE', on: 'key' },
  ],
  'create-key': [{ name: 'CreateCryptoKey', permission: 'cloudkms.cryptoKeys.create', permissionType: 'ADMIN_WRITE', on: 'ring' }],
  destroy: [{ name: 'DestroyCryptoKeyVersion', permission: 'cloudkms.cryptoKeyVersions.destroy', permissionType: 'ADMIN_WRITE', on: 'version' }],
};

const GRPC_AGENT = 'grpc-node-js/1.14.7,gzip(gfe)';
const REST_AGENT = 'gl-node/24.11.1 gccl/5.2.0 gapic/5.2.0 gax/5.0.6 rest/5.0.6,gzip(gfe)';
const GCLOUD_COMMANDS: Record<string, string> = {
  CreateCryptoKey: 'keys.create',
  CreateCryptoKeyVersion: 'keys.versions.create',
  UpdateCryptoKeyPrimaryVersion: 'keys.set-primary-version',
  DestroyCryptoKeyVersion: 'keys.versions.destroy',
};

/**
 * A Cloud Audit Logs entry of cloudkms.googleapis.com for the call, in the proto3 JSON form exports use,
 * field for field as `fixtures/gcp` (googleapis log_entry.proto and audit_log.proto): key use in the
 * data_access log, key administration in the activity log; fields at their default are absent (a denied
 * check has no `granted`); the token in the user agent or the request reason; a Cloud Storage service agent
 * with `callerIp: "private"` for CMEK; failures with `status.code` and severity ERROR.
 */
export function renderGcpEntry(call: KmsCall): Record<string, unknown> {
  const method = methodOf(call);
  const key = parseKey(call.keyId);
  const version = key.version ?? String(1 + (call.variant % 3));
  const resourceName = method.on === 'ring' ? key.ring : method.on === 'version' ? `${key.key}/cryptoKeyVersions/${version}` : call.keyId;
  const failed = call.outcome === 'failure';
  // A denied permission is logged without `granted` (false is proto3's default); a disabled key version fails after the check passed.
  const denied = failed && !isPreconditionFailure(call);
  const admin = method.permissionType === 'ADMIN_WRITE';
  return {
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      status: failed ? failureStatus(call, method, resourceName) : {},
      authenticationInfo: authenticationOf(call),
      requestMetadata: requestMetadataOf(call, admin ? GCLOUD_COMMANDS[method.name] : undefined),
      serviceName: 'cloudkms.googleapis.com',
      methodName: method.name,
      authorizationInfo: [
        {
          resource: resourceName,
          permission: method.permission,
          ...(denied ? {} : { granted: true }),
          resourceAttributes: { service: 'cloudkms.googleapis.com', name: resourceName, type: `cloudkms.googleapis.com/${method.on === 'ring' ? 'KeyRing' : method.on === 'version' || key.version !== null ? 'CryptoKeyVersion' : 'CryptoKey'}` },
          permissionType: method.permissionType,
        },
      ],
      resourceName,
      request: requestOf(method, call, key, resourceName),
      ...(admin && !failed ? { response: responseOf(method, call, key, version) } : {}),
    },
    insertId: call.eventId,
    resource: {
      type: method.on === 'ring' ? 'cloudkms_keyring' : 'cloudkms_cryptokey',
      labels: { project_id: key.project, location: key.location, key_ring_id: key.ringId, ...(method.on === 'ring' ? {} : { crypto_key_id: key.keyName }) },
    },
    // Cloud Logging keeps microseconds of the call's time and nanoseconds of its own receive time.
    timestamp: formatCallTime(call, 'proto3', -(call.ticks % 10) * 100),
    severity: failed ? 'ERROR' : admin ? 'NOTICE' : 'INFO',
    logName: `projects/${key.project}/logs/cloudaudit.googleapis.com%2F${admin ? 'activity' : 'data_access'}`,
    receiveTimestamp: formatCallTime(call, 'proto3', 400_000_000 + (call.variant % 900) * 1_000_000 + (call.variant % 97)),
  };
}

function methodOf(call: KmsCall): Method {
  if (call.operation === 'encrypt') return ENCRYPT;
  if (call.operation === 'decrypt') return DECRYPT;
  const choices = LIFECYCLE[call.operation];
  if (choices === undefined) throw new Error(`no Cloud KMS method for ${call.operation}`);
  return choices[call.variant % choices.length]!;
}

interface KeyName {
  project: string;
  location: string;
  ringId: string;
  ring: string;
  keyName: string;
  key: string;
  version: string | null;
}

function parseKey(keyId: string): KeyName {
  const match = /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)\/cryptoKeys\/([^/]+)(?:\/cryptoKeyVersions\/([^/]+))?$/.exec(keyId);
  if (match === null) throw new Error(`not a Cloud KMS key name: ${keyId}`);
  const [, project, location, ringId, keyName, version] = match as unknown as [string, string, string, string, string, string | undefined];
  const ring = `projects/${project}/locations/${location}/keyRings/${ringId}`;
  return { project, location, ringId, ring, keyName, key: `${ring}/cryptoKeys/${keyName}`, version: version ?? null };
}

function authenticationOf(call: KmsCall): Record<string, unknown> {
  if (call.invokedBy !== null) {
    const agent = `service-${GCP_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com`;
    return { principalEmail: agent, principalSubject: `serviceAccount:${agent}` };
  }
  const email = call.principal!.id;
  return { principalEmail: email, principalSubject: `${call.principal!.type === 'user' ? 'user' : 'serviceAccount'}:${email}` };
}

/** The token goes where the application put it; Cloud Storage's service agent calls from `private` with no user agent. */
function requestMetadataOf(call: KmsCall, gcloudCommand: string | undefined): Record<string, unknown> {
  const time = formatCallTime(call, 'proto3', -(call.ticks % 10) * 100 - 8_000_000 - (call.variant % 7) * 1_000_000);
  if (call.invokedBy !== null) return { callerIp: 'private', requestAttributes: { auth: {} }, destinationAttributes: {} };
  const token = call.joinKeys.token;
  const style = token === undefined ? undefined : (call.tokenStyle ?? 'user-agent');
  const agent = gcloudCommand !== undefined ? `google-cloud-sdk gcloud/551.0.0 command/gcloud.kms.${gcloudCommand},gzip(gfe)` : style === 'user-agent' ? `keytrail/${token} ${REST_AGENT}` : GRPC_AGENT;
  const reason = style === 'reason' ? `keytrail/${token}` : style === 'bare-reason' ? token : undefined;
  return {
    callerIp: call.sourceIp,
    callerSuppliedUserAgent: agent,
    requestAttributes: { time, ...(reason === undefined ? {} : { reason }), auth: {} },
    destinationAttributes: {},
  };
}

function isPreconditionFailure(call: KmsCall): boolean {
  return call.variant % 5 === 0;
}

function failureStatus(call: KmsCall, method: Method, resourceName: string): Record<string, unknown> {
  if (isPreconditionFailure(call)) {
    return { code: 9, message: `${resourceName} is not enabled, current state is: DISABLED.` };
  }
  return { code: 7, message: `Permission '${method.permission}' denied on resource '${resourceName}' (or it may not exist).` };
}

function requestOf(method: Method, call: KmsCall, key: KeyName, resourceName: string): Record<string, unknown> {
  const type = `type.googleapis.com/google.cloud.kms.v1.${method.name}Request`;
  switch (method.name) {
    case 'CreateCryptoKey':
      return { '@type': type, parent: key.ring, cryptoKeyId: key.keyName, cryptoKey: { purpose: 'ENCRYPT_DECRYPT', rotationPeriod: '7776000s' } };
    case 'CreateCryptoKeyVersion':
      return { '@type': type, parent: key.key };
    case 'UpdateCryptoKeyPrimaryVersion':
      return { '@type': type, name: key.key, cryptoKeyVersionId: String(2 + (call.variant % 5)) };
    default:
      return { '@type': type, name: resourceName };
  }
}

/** Activity entries log the response: the created key, the new version, the key with its new primary, the version scheduled for destruction. */
function responseOf(method: Method, call: KmsCall, key: KeyName, version: string): Record<string, unknown> {
  const versionName = (id: string) => `${key.key}/cryptoKeyVersions/${id}`;
  switch (method.name) {
    case 'CreateCryptoKey':
      return { '@type': 'type.googleapis.com/google.cloud.kms.v1.CryptoKey', name: key.key, primary: { name: versionName('1'), state: 'ENABLED' }, purpose: 'ENCRYPT_DECRYPT' };
    case 'CreateCryptoKeyVersion':
      return { '@type': 'type.googleapis.com/google.cloud.kms.v1.CryptoKeyVersion', name: versionName(String(2 + (call.variant % 5))), state: 'ENABLED' };
    case 'UpdateCryptoKeyPrimaryVersion':
      return { '@type': 'type.googleapis.com/google.cloud.kms.v1.CryptoKey', name: key.key, primary: { name: versionName(String(2 + (call.variant % 5))), state: 'ENABLED' } };
    default:
      return { '@type': 'type.googleapis.com/google.cloud.kms.v1.CryptoKeyVersion', name: versionName(version), state: 'DESTROY_SCHEDULED', destroyTime: new Date(call.timeMs + 30 * 86_400_000).toISOString() };
  }
}
