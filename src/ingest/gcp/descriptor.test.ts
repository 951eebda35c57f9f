import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { createLogEntryRoot } from './descriptor.ts';
import { createProto3JsonRenderer, TO_OBJECT_OPTIONS } from './proto3-json.ts';

/**
 * An AuditLog encoded by hand with the field numbers of googleapis google/cloud/audit/audit_log.proto
 * and google/rpc/context/attribute_context.proto, independently of keytrail's descriptor.
 */
function handEncodedAuditLog(): Uint8Array {
  const writer = protobuf.Writer.create();
  writer.uint32((7 << 3) | 2).string('cloudkms.googleapis.com'); // service_name = 7
  writer.uint32((8 << 3) | 2).string('Decrypt'); // method_name = 8
  writer.uint32((11 << 3) | 2).string('projects/p/locations/l/keyRings/r/cryptoKeys/k'); // resource_name = 11
  writer.uint32((2 << 3) | 2).fork().uint32((1 << 3) | 0).int32(7).ldelim(); // status = 2 { code = 1 }
  writer
    .uint32((3 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .string('sa@p.iam.gserviceaccount.com') // authentication_info.principal_email = 1
    .uint32((6 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .string('alice@example.com')
    .ldelim()
    .ldelim() // service_account_delegation_info = 6 { first_party_principal = 1 { principal_email = 1 } }
    .ldelim();
  writer
    .uint32((4 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .string('private') // request_metadata.caller_ip = 1
    .uint32((2 << 3) | 2)
    .string('keytrail/t1') // caller_supplied_user_agent = 2
    .uint32((7 << 3) | 2)
    .fork()
    .uint32((12 << 3) | 2)
    .string('keytrail/t2')
    .ldelim() // request_attributes = 7 { reason = 12 }
    .ldelim();
  writer.uint32((9 << 3) | 2).fork().uint32((3 << 3) | 0).bool(false).uint32((7 << 3) | 0).int32(3).ldelim(); // authorization_info = 9 { granted = 3, permission_type = 7 }
  writer.uint32((12 << 3) | 0).int64(5); // num_response_items = 12
  return writer.finish();
}

describe('the AuditLog descriptor', () => {
  it('decodes bytes written with the public field numbers into the proto3 JSON exports use', () => {
    const root = createLogEntryRoot();
    const rendered = createProto3JsonRenderer(root).renderAny('type.googleapis.com/google.cloud.audit.AuditLog', handEncodedAuditLog());
    expect(rendered).toEqual({
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      serviceName: 'cloudkms.googleapis.com',
      methodName: 'Decrypt',
      resourceName: 'projects/p/locations/l/keyRings/r/cryptoKeys/k',
      status: { code: 7 },
      authenticationInfo: { principalEmail: 'sa@p.iam.gserviceaccount.com', serviceAccountDelegationInfo: [{ firstPartyPrincipal: { principalEmail: 'alice@example.com' } }] },
      requestMetadata: { callerIp: 'private', callerSuppliedUserAgent: 'keytrail/t1', requestAttributes: { reason: 'keytrail/t2' } },
      authorizationInfo: [{ permissionType: 'DATA_READ' }],
      numResponseItems: '5',
    });
  });

  it('renders Timestamps with 0, 3, 6 or 9 fractional digits, Structs as JSON and an unknown Any with its bytes', () => {
    const root = createLogEntryRoot();
    const renderer = createProto3JsonRenderer(root);
    const timestamp = root.lookupType('google.protobuf.Timestamp');
    const at = (seconds: number, nanos: number) => renderer.renderMessage(timestamp, timestamp.toObject(timestamp.fromObject({ seconds, nanos }), TO_OBJECT_OPTIONS));
    expect([at(1768046400, 0), at(1768046400, 5e8), at(1768046400, 118356000), at(1768046400, 932870843)]).toEqual([
      '2026-01-10T12:00:00Z',
      '2026-01-10T12:00:00.500Z',
      '2026-01-10T12:00:00.118356Z',
      '2026-01-10T12:00:00.932870843Z',
    ]);
    const struct = root.lookupType('google.protobuf.Struct');
    const value = struct.fromObject({ fields: { a: { listValue: { values: [{ numberValue: 1 }, { nullValue: 0 }, { boolValue: false }] } }, b: { structValue: { fields: { c: { stringValue: '' } } } } } });
    expect(renderer.renderMessage(struct, struct.toObject(value, TO_OBJECT_OPTIONS))).toEqual({ a: [1, null, false], b: { c: '' } });
    expect(renderer.renderAny('type.googleapis.com/google.cloud.kms.v1.Unknown', Buffer.from([1, 2]))).toEqual({ '@type': 'type.googleapis.com/google.cloud.kms.v1.Unknown', value: 'AQI=' });
  });
});
