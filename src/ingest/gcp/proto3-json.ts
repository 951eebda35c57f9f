import protobuf from 'protobufjs';

type Plain = Record<string, unknown>;

/** How decoded messages are turned into plain objects before rendering (64-bit ints and enums as strings). */
export const TO_OBJECT_OPTIONS: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: false, arrays: false, objects: false, oneofs: false };

const SIXTY_FOUR_BIT = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const VALUE_KINDS = ['nullValue', 'numberValue', 'stringValue', 'boolValue', 'structValue', 'listValue'] as const;
const WRAPPED_IN_ANY = new Set(['.google.protobuf.Timestamp', '.google.protobuf.Duration', '.google.protobuf.Struct', '.google.protobuf.Value', '.google.protobuf.ListValue']);

/**
 * Renders decoded protobuf messages in the proto3 JSON mapping (protobuf.dev "ProtoJSON format"): the
 * form Cloud Logging uses for entries in sinks, `gcloud --format=json` and the REST API, so that an
 * entry read over gRPC hashes exactly like the same entry read from an export. Default scalar values
 * are omitted, 64-bit integers are strings, enums are names, bytes are base64, Timestamps and
 * Durations use 0, 3, 6 or 9 fractional digits, Struct is plain JSON and Any carries `@type`.
 */
export function createProto3JsonRenderer(root: protobuf.Root) {
  const renderMessage = (type: protobuf.Type, value: Plain): unknown => {
    switch (type.fullName) {
      case '.google.protobuf.Timestamp':
        return formatTimestamp(value);
      case '.google.protobuf.Duration':
        return formatDuration(value);
      case '.google.protobuf.Struct':
        return renderStruct(value);
      case '.google.protobuf.Value':
        return renderValue(value);
      case '.google.protobuf.ListValue':
        return renderList(value);
      case '.google.protobuf.Any':
        return renderAny(String(value.type_url ?? ''), value.value);
      default:
        return renderFields(type, value);
    }
  };

  const renderFields = (type: protobuf.Type, value: Plain): Plain => {
    const out: Plain = {};
    for (const field of type.fieldsArray) {
      const item = value[field.name];
      if (item === undefined || item === null) continue;
      if (field.map) {
        const entries = Object.entries(item as Plain);
        if (entries.length > 0) out[field.name] = Object.fromEntries(entries.map(([key, entry]) => [key, renderSingle(field, entry)]));
      } else if (field.repeated) {
        if (Array.isArray(item) && item.length > 0) out[field.name] = item.map((entry) => renderSingle(field, entry));
      } else if (field.resolvedType instanceof protobuf.Type || field.partOf !== null || !isDefault(field, item)) {
        // Messages and oneof members have presence; other proto3 scalars are omitted at their default.
        out[field.name] = renderSingle(field, item);
      }
    }
    return out;
  };

  const renderSingle = (field: protobuf.Field, item: unknown): unknown => {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) return renderMessage(resolved, item as Plain);
    if (resolved instanceof protobuf.Enum) return typeof item === 'number' ? (resolved.valuesById[item] ?? item) : item;
    if (SIXTY_FOUR_BIT.has(field.type)) return String(item);
    if (field.type === 'bytes') return typeof item === 'string' ? item : Buffer.from(item as Uint8Array).toString('base64');
    if ((field.type === 'double' || field.type === 'float') && typeof item === 'number' && !Number.isFinite(item)) return String(item);
    return item;
  };

  const renderStruct = (value: Plain): Plain => {
    const fields = (value.fields ?? {}) as Record<string, Plain>;
    return Object.fromEntries(Object.entries(fields).map(([key, entry]) => [key, renderValue(entry)]));
  };

  const renderList = (value: Plain): unknown[] => ((value.values ?? []) as Plain[]).map(renderValue);

  const renderValue = (value: Plain): unknown => {
    const kind = typeof value.kind === 'string' ? value.kind : VALUE_KINDS.find((candidate) => value[candidate] !== undefined && value[candidate] !== null);
    switch (kind) {
      case 'numberValue':
        return value.numberValue;
      case 'stringValue':
        return value.stringValue;
      case 'boolValue':
        return value.boolValue;
      case 'structValue':
        return renderStruct(value.structValue as Plain);
      case 'listValue':
        return renderList(value.listValue as Plain);
      default:
        return null;
    }
  };

  /** An Any of a type in the root is decoded and rendered with `@type`; an unknown type keeps its bytes. */
  const renderAny = (typeUrl: string, bytes: unknown): Plain => {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'base64') : Buffer.from((bytes ?? new Uint8Array()) as Uint8Array);
    const type = lookupType(root, typeUrl);
    if (type === undefined) return { '@type': typeUrl, value: data.toString('base64') };
    const rendered = renderMessage(type, type.toObject(type.decode(data), TO_OBJECT_OPTIONS));
    return WRAPPED_IN_ANY.has(type.fullName) ? { '@type': typeUrl, value: rendered } : { '@type': typeUrl, ...(rendered as Plain) };
  };

  return { renderMessage, renderAny };
}

function lookupType(root: protobuf.Root, typeUrl: string): protobuf.Type | undefined {
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  if (name === '') return undefined;
  const found = root.lookup(name);
  return found instanceof protobuf.Type ? found : undefined;
}

function isDefault(field: protobuf.Field, item: unknown): boolean {
  if (field.resolvedType instanceof protobuf.Enum) return item === 0 || item === field.resolvedType.valuesById[0];
  if (typeof item === 'string') return item === '' || (SIXTY_FOUR_BIT.has(field.type) && item === '0');
  if (typeof item === 'number') return item === 0 && !Object.is(item, -0);
  if (typeof item === 'boolean') return !item;
  if (item instanceof Uint8Array) return item.length === 0;
  if (typeof item === 'object' && item !== null && 'toNumber' in item) return String(item) === '0';
  return false;
}

/** Fraction digits in groups of three, as proto3 JSON printers write them. */
function formatNanos(nanos: number): string {
  if (nanos === 0) return '';
  const digits = String(nanos).padStart(9, '0');
  if (digits.endsWith('000000')) return `.${digits.slice(0, 3)}`;
  if (digits.endsWith('000')) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

export function formatTimestamp(value: Plain): string {
  const seconds = Number(value.seconds ?? 0);
  const nanos = Number(value.nanos ?? 0);
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}${formatNanos(nanos)}Z`;
}

function formatDuration(value: Plain): string {
  const seconds = Number(value.seconds ?? 0);
  const nanos = Number(value.nanos ?? 0);
  const negative = seconds < 0 || nanos < 0;
  return `${negative ? '-' : ''}${Math.abs(seconds)}${formatNanos(Math.abs(nanos))}s`;
}
