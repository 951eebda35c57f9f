import type protobuf from 'protobufjs';
import { createEntryDecoder } from '../../src/ingest/gcp/decode-entry.ts';
import { createLogEntryRoot } from '../../src/ingest/gcp/descriptor.ts';
import type { ReadItem } from '../../src/ingest/read-json.ts';
import { toProtoObject } from '../servers/proto3-json-parse.ts';

/**
 * An exported entry as the Logging API input receives it: encoded to LogEntry wire bytes (AuditLog in
 * an Any), decoded to the plain object `@google-cloud/logging` hands over (payload still in Any bytes),
 * then through keytrail's own decoder back to proto3 JSON. A field the wire format does not carry
 * makes the encoding throw, so a rendered entry cannot hold what Cloud Logging could not send.
 */
export function createGrpcRoundTrip(): (entry: Record<string, unknown>, position: string) => ReadItem {
  const root = createLogEntryRoot();
  const logEntry = root.lookupType('google.logging.v2.LogEntry');
  const encodeAny = (json: Record<string, unknown>): { type_url: string; value: Buffer } => {
    const { '@type': typeUrl, ...fields } = json;
    const type: protobuf.Type = root.lookupType(String(typeUrl).slice(String(typeUrl).lastIndexOf('/') + 1));
    return { type_url: String(typeUrl), value: Buffer.from(type.encode(type.fromObject(toProtoObject(type, fields, encodeAny))).finish()) };
  };
  const decode = createEntryDecoder();
  return (entry, position) => {
    const wire = logEntry.encode(logEntry.fromObject(toProtoObject(logEntry, entry, encodeAny))).finish();
    const received = logEntry.toObject(logEntry.decode(wire), { longs: String, enums: String, defaults: true, oneofs: true });
    return decode(received, position);
  };
}
