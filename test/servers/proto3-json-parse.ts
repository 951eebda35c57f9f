import protobuf from 'protobufjs';

type Json = Record<string, unknown>;
export type AnyEncoder = (json: Json) => { type_url: string; value: Buffer };

/**
 * The inverse of src/ingest/gcp/proto3-json.ts for the local Cloud Logging server: proto3 JSON (as in
 * exported entries) → an object protobufjs `fromObject` accepts. A key the message does not define is
 * an error, so fixtures cannot carry fields the wire format would silently drop.
 */
export function toProtoObject(type: protobuf.Type, json: Json, encodeAny: AnyEncoder): Json {
  switch (type.fullName) {
    case '.google.protobuf.Timestamp':
    case '.google.protobuf.Duration':
    case '.google.protobuf.Struct':
    case '.google.protobuf.Value':
    case '.google.protobuf.ListValue':
      throw new Error(`${type.fullName} is converted by its parent field`);
    default:
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key];
    if (field === undefined) throw new Error(`${type.fullName} has no field ${key}`);
    if (field.map) out[key] = Object.fromEntries(Object.entries(value as Json).map(([name, item]) => [name, convert(field, item, encodeAny)]));
    else if (field.repeated) out[key] = (value as unknown[]).map((item) => convert(field, item, encodeAny));
    else out[key] = convert(field, value, encodeAny);
  }
  return out;
}

function convert(field: protobuf.Field, value: unknown, encodeAny: AnyEncoder): unknown {
  const type = field.resolvedType;
  if (!(type instanceof protobuf.Type)) return value;
  switch (type.fullName) {
    case '.google.protobuf.Timestamp':
      return parseTimestamp(value as string);
    case '.google.protobuf.Duration':
      return parseDuration(value as string);
    case '.google.protobuf.Struct':
      return toStruct(value as Json);
    case '.google.protobuf.Value':
      return toValue(value);
    case '.google.protobuf.Any':
      return encodeAny(value as Json);
    default:
      return toProtoObject(type, value as Json, encodeAny);
  }
}

function parseTimestamp(text: string): { seconds: string; nanos: number } {
  const match = /^(.*?T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (match === null) throw new Error(`not a proto3 JSON Timestamp: ${text}`);
  return { seconds: String(Date.parse(`${match[1]}Z`) / 1000), nanos: Number((match[2] ?? '').padEnd(9, '0')) };
}

function parseDuration(text: string): { seconds: string; nanos: number } {
  const match = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (match === null) throw new Error(`not a proto3 JSON Duration: ${text}`);
  const sign = match[1] === '-' ? -1 : 1;
  return { seconds: String(sign * Number(match[2])), nanos: sign * Number((match[3] ?? '').padEnd(9, '0')) };
}

function toStruct(json: Json): Json {
  return { fields: Object.fromEntries(Object.entries(json).map(([key, value]) => [key, toValue(value)])) };
}

function toValue(value: unknown): Json {
  if (value === null) return { nullValue: 0 };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toValue) } };
  return { structValue: toStruct(value as Json) };
}
