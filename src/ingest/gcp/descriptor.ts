import protobuf from 'protobufjs';

/**
 * The protobuf messages keytrail needs to read Cloud Logging entries that arrive over gRPC, written as
 * a protobufjs JSON descriptor from the public field numbers of googleapis
 * `google/cloud/audit/audit_log.proto`, `google/rpc/context/attribute_context.proto`,
 * `google/rpc/status.proto`, `google/logging/v2/log_entry.proto`, `google/logging/type/http_request.proto`,
 * `google/logging/type/log_severity.proto` and `google/api/monitored_resource.proto`. The client
 * (`@google-cloud/logging`) ships no AuditLog type, so its protoPayload arrives as undecoded Any bytes.
 * Field names are the proto3 JSON (lowerCamelCase) names.
 */
const field = (type: string, id: number) => ({ type, id });
const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });
const map = (type: string, id: number) => ({ keyType: 'string', type, id });

const AUDIT = {
  AuditLog: {
    fields: {
      serviceName: field('string', 7),
      methodName: field('string', 8),
      resourceName: field('string', 11),
      resourceLocation: field('ResourceLocation', 20),
      resourceOriginalState: field('google.protobuf.Struct', 19),
      numResponseItems: field('int64', 12),
      status: field('google.rpc.Status', 2),
      authenticationInfo: field('AuthenticationInfo', 3),
      authorizationInfo: repeated('AuthorizationInfo', 9),
      policyViolationInfo: field('PolicyViolationInfo', 25),
      requestMetadata: field('RequestMetadata', 4),
      request: field('google.protobuf.Struct', 16),
      response: field('google.protobuf.Struct', 17),
      metadata: field('google.protobuf.Struct', 18),
      serviceData: field('google.protobuf.Any', 15),
    },
  },
  AuthenticationInfo: {
    fields: {
      principalEmail: field('string', 1),
      authoritySelector: field('string', 2),
      thirdPartyPrincipal: field('google.protobuf.Struct', 4),
      serviceAccountKeyName: field('string', 5),
      serviceAccountDelegationInfo: repeated('ServiceAccountDelegationInfo', 6),
      principalSubject: field('string', 8),
    },
  },
  AuthorizationInfo: {
    fields: {
      resource: field('string', 1),
      permission: field('string', 2),
      granted: field('bool', 3),
      resourceAttributes: field('google.rpc.context.AttributeContext.Resource', 5),
      permissionType: field('PermissionType', 7),
    },
    nested: {
      PermissionType: { values: { PERMISSION_TYPE_UNSPECIFIED: 0, ADMIN_READ: 1, ADMIN_WRITE: 2, DATA_READ: 3, DATA_WRITE: 4 } },
    },
  },
  RequestMetadata: {
    fields: {
      callerIp: field('string', 1),
      callerSuppliedUserAgent: field('string', 2),
      callerNetwork: field('string', 3),
      requestAttributes: field('google.rpc.context.AttributeContext.Request', 7),
      destinationAttributes: field('google.rpc.context.AttributeContext.Peer', 8),
    },
  },
  ResourceLocation: { fields: { currentLocations: repeated('string', 1), originalLocations: repeated('string', 2) } },
  ServiceAccountDelegationInfo: {
    oneofs: { Authority: { oneof: ['firstPartyPrincipal', 'thirdPartyPrincipal'] } },
    fields: {
      principalSubject: field('string', 3),
      firstPartyPrincipal: field('FirstPartyPrincipal', 1),
      thirdPartyPrincipal: field('ThirdPartyPrincipal', 2),
    },
    nested: {
      FirstPartyPrincipal: { fields: { principalEmail: field('string', 1), serviceMetadata: field('google.protobuf.Struct', 2) } },
      ThirdPartyPrincipal: { fields: { thirdPartyClaims: field('google.protobuf.Struct', 1) } },
    },
  },
  PolicyViolationInfo: { fields: { orgPolicyViolationInfo: field('OrgPolicyViolationInfo', 1) } },
  OrgPolicyViolationInfo: {
    fields: {
      payload: field('google.protobuf.Struct', 1),
      resourceType: field('string', 2),
      resourceTags: map('string', 3),
      violationInfo: repeated('ViolationInfo', 4),
    },
  },
  ViolationInfo: {
    fields: { constraint: field('string', 1), errorMessage: field('string', 2), checkedValue: field('string', 3), policyType: field('PolicyType', 4) },
    nested: { PolicyType: { values: { POLICY_TYPE_UNSPECIFIED: 0, BOOLEAN_CONSTRAINT: 1, LIST_CONSTRAINT: 2, CUSTOM_CONSTRAINT: 3 } } },
  },
};

const ATTRIBUTE_CONTEXT = {
  AttributeContext: {
    fields: {},
    nested: {
      Peer: { fields: { ip: field('string', 1), port: field('int64', 2), labels: map('string', 6), principal: field('string', 7), regionCode: field('string', 8) } },
      Auth: {
        fields: {
          principal: field('string', 1),
          audiences: repeated('string', 2),
          presenter: field('string', 3),
          claims: field('google.protobuf.Struct', 4),
          accessLevels: repeated('string', 5),
        },
      },
      Request: {
        fields: {
          id: field('string', 1),
          method: field('string', 2),
          headers: map('string', 3),
          path: field('string', 4),
          host: field('string', 5),
          scheme: field('string', 6),
          query: field('string', 7),
          time: field('google.protobuf.Timestamp', 9),
          size: field('int64', 10),
          protocol: field('string', 11),
          reason: field('string', 12),
          auth: field('Auth', 13),
        },
      },
      Resource: {
        fields: {
          service: field('string', 1),
          name: field('string', 2),
          type: field('string', 3),
          labels: map('string', 4),
          uid: field('string', 5),
          annotations: map('string', 6),
          displayName: field('string', 7),
          createTime: field('google.protobuf.Timestamp', 8),
          updateTime: field('google.protobuf.Timestamp', 9),
          deleteTime: field('google.protobuf.Timestamp', 10),
          etag: field('string', 11),
          location: field('string', 12),
        },
      },
    },
  },
};

const LOGGING = {
  LogEntry: {
    oneofs: { payload: { oneof: ['protoPayload', 'textPayload', 'jsonPayload'] } },
    fields: {
      logName: field('string', 12),
      resource: field('google.api.MonitoredResource', 8),
      protoPayload: field('google.protobuf.Any', 2),
      textPayload: field('string', 3),
      jsonPayload: field('google.protobuf.Struct', 6),
      timestamp: field('google.protobuf.Timestamp', 9),
      receiveTimestamp: field('google.protobuf.Timestamp', 24),
      severity: field('google.logging.type.LogSeverity', 10),
      insertId: field('string', 4),
      httpRequest: field('google.logging.type.HttpRequest', 7),
      labels: map('string', 11),
      operation: field('LogEntryOperation', 15),
      trace: field('string', 22),
      spanId: field('string', 27),
      traceSampled: field('bool', 30),
      sourceLocation: field('LogEntrySourceLocation', 23),
      split: field('LogSplit', 35),
    },
  },
  LogEntryOperation: { fields: { id: field('string', 1), producer: field('string', 2), first: field('bool', 3), last: field('bool', 4) } },
  LogEntrySourceLocation: { fields: { file: field('string', 1), line: field('int64', 2), function: field('string', 3) } },
  LogSplit: { fields: { uid: field('string', 1), index: field('int32', 2), totalSplits: field('int32', 3) } },
};

const LOGGING_TYPE = {
  LogSeverity: { values: { DEFAULT: 0, DEBUG: 100, INFO: 200, NOTICE: 300, WARNING: 400, ERROR: 500, CRITICAL: 600, ALERT: 700, EMERGENCY: 800 } },
  HttpRequest: {
    fields: {
      requestMethod: field('string', 1),
      requestUrl: field('string', 2),
      requestSize: field('int64', 3),
      status: field('int32', 4),
      responseSize: field('int64', 5),
      userAgent: field('string', 6),
      remoteIp: field('string', 7),
      serverIp: field('string', 13),
      referer: field('string', 8),
      latency: field('google.protobuf.Duration', 14),
      cacheLookup: field('bool', 11),
      cacheHit: field('bool', 9),
      cacheValidatedWithOriginServer: field('bool', 10),
      cacheFillBytes: field('int64', 12),
      protocol: field('string', 15),
    },
  },
};

export const LOG_ENTRY_DESCRIPTOR = {
  nested: {
    google: {
      nested: {
        cloud: { nested: { audit: { nested: AUDIT } } },
        rpc: {
          nested: {
            Status: { fields: { code: field('int32', 1), message: field('string', 2), details: repeated('google.protobuf.Any', 3) } },
            context: { nested: ATTRIBUTE_CONTEXT },
          },
        },
        logging: { nested: { v2: { nested: LOGGING }, type: { nested: LOGGING_TYPE } } },
        api: { nested: { MonitoredResource: { fields: { type: field('string', 1), labels: map('string', 2) } } } },
      },
    },
  },
};

const WELL_KNOWN = ['google/protobuf/any.proto', 'google/protobuf/struct.proto', 'google/protobuf/timestamp.proto', 'google/protobuf/duration.proto'];

/** The descriptor above plus protobufjs's bundled well-known types (google.protobuf.*), resolved. */
export function createLogEntryRoot(): protobuf.Root {
  const wellKnown: Record<string, unknown> = {};
  for (const file of WELL_KNOWN) {
    const common = protobuf.common.get(file) as { nested: { google: { nested: { protobuf: { nested: Record<string, unknown> } } } } } | null;
    Object.assign(wellKnown, common?.nested.google.nested.protobuf.nested);
  }
  const google = { nested: { ...LOG_ENTRY_DESCRIPTOR.nested.google.nested, protobuf: { nested: wellKnown } } };
  const root = protobuf.Root.fromJSON({ nested: { google } } as protobuf.INamespace);
  root.resolveAll();
  return root;
}
