import { z } from 'zod';

export const AUDIT_LOG_TYPE = 'type.googleapis.com/google.cloud.audit.AuditLog';
export const KMS_SERVICE_NAME = 'cloudkms.googleapis.com';

const Text = z.string().optional();
const JsonObject = z.record(z.string(), z.unknown());

/**
 * The LogEntry fields keytrail reads (googleapis google/logging/v2/log_entry.proto, proto3 JSON form
 * as exported by sinks and `gcloud logging read --format=json`). Everything else is allowed and travels
 * only inside the raw record's hash.
 */
export const LogEntryFields = z.looseObject({
  logName: z.string().min(1),
  insertId: z.string().min(1),
  timestamp: z.string().min(1),
  receiveTimestamp: Text,
  severity: Text,
  resource: z.looseObject({ type: Text, labels: z.record(z.string(), z.string()).optional() }).optional(),
  operation: z.looseObject({ id: Text, producer: Text, first: z.boolean().optional(), last: z.boolean().optional() }).optional(),
  protoPayload: JsonObject.optional(),
});
export type LogEntryFields = z.infer<typeof LogEntryFields>;

/** The AuditLog fields keytrail reads (googleapis google/cloud/audit/audit_log.proto). */
export const AuditLogFields = z.looseObject({
  '@type': z.literal(AUDIT_LOG_TYPE),
  serviceName: Text,
  methodName: z.string().min(1),
  resourceName: Text,
  status: z.looseObject({ code: z.int().optional(), message: Text }).optional(),
  authenticationInfo: z
    .looseObject({
      principalEmail: Text,
      principalSubject: Text,
      serviceAccountDelegationInfo: z
        .array(
          z.looseObject({
            firstPartyPrincipal: z.looseObject({ principalEmail: Text }).optional(),
            thirdPartyPrincipal: JsonObject.optional(),
            principalSubject: Text,
          }),
        )
        .optional(),
    })
    .optional(),
  authorizationInfo: z.array(z.looseObject({ resource: Text, permission: Text, granted: z.boolean().optional() })).optional(),
  requestMetadata: z
    .looseObject({
      callerIp: Text,
      callerSuppliedUserAgent: Text,
      requestAttributes: z.looseObject({ reason: Text }).optional(),
    })
    .optional(),
  request: JsonObject.optional(),
  response: JsonObject.optional(),
});
export type AuditLogFields = z.infer<typeof AuditLogFields>;

/** google.rpc.Code names (googleapis google/rpc/code.proto). */
export const RPC_CODE_NAMES: readonly string[] = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];
