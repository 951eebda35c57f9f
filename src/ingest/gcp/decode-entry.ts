import { KeytrailError } from '../../core/errors.ts';
import type { ReadItem } from '../read-json.ts';
import { createLogEntryRoot } from './descriptor.ts';
import { createProto3JsonRenderer } from './proto3-json.ts';

/**
 * Turns the entries `@google-cloud/logging` returns over gRPC (plain objects decoded by its own protos,
 * with protoPayload left as an Any of raw bytes) into the proto3 JSON form exports use, decoding the
 * AuditLog with keytrail's descriptor. An entry whose payload does not decode becomes a failed read
 * item carrying the payload bytes, so it is dead-lettered and the page still goes through.
 */
export function createEntryDecoder(): (entry: Record<string, unknown>, position: string) => ReadItem {
  const root = createLogEntryRoot();
  const logEntry = root.lookupType('google.logging.v2.LogEntry');
  const renderer = createProto3JsonRenderer(root);
  return (entry, position) => {
    try {
      const value = renderer.renderMessage(logEntry, entry);
      return { ok: true, value, raw: Buffer.from(JSON.stringify(value), 'utf8'), position };
    } catch (error) {
      return { ok: false, error: undecodable(entry, error), raw: payloadBytes(entry), position };
    }
  };
}

function undecodable(entry: Record<string, unknown>, cause: unknown): KeytrailError {
  const payload = entry.protoPayload as { type_url?: unknown } | null | undefined;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new KeytrailError('INGEST_GCP_PAYLOAD_UNDECODABLE', `protoPayload of entry ${String(entry.insertId)} does not decode: ${reason}`, {
    cause,
    details: { logName: entry.logName, insertId: entry.insertId, typeUrl: payload?.type_url },
  });
}

function payloadBytes(entry: Record<string, unknown>): Buffer {
  const value = (entry.protoPayload as { value?: unknown } | null | undefined)?.value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  return Buffer.from(JSON.stringify({ logName: entry.logName, insertId: entry.insertId }), 'utf8');
}
