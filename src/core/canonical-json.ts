import { KeytrailError } from './errors.ts';

/**
 * RFC 8785 (JSON Canonicalization Scheme). Strings and numbers are serialised exactly as ECMAScript
 * JSON.stringify does (RFC 8785 §3.2.2), object members are sorted by the UTF-16 code units of their
 * names (§3.2.3), and no whitespace is emitted. Values outside I-JSON are refused rather than guessed.
 */
export function canonicalize(value: unknown): string {
  // Fast path: a copy with members inserted in sorted order, serialised by the engine's JSON.stringify,
  // whose string and number forms are exactly RFC 8785's. Anything it could get wrong (index-like
  // names, which engines order numerically; toJSON; values outside I-JSON) takes the careful writer.
  try {
    return JSON.stringify(sortedCopy(value));
  } catch (error) {
    if (error !== NEEDS_CAREFUL_WRITER) throw error;
  }
  const parts: string[] = [];
  writeValue(value, parts, '$');
  return parts.join('');
}

const NEEDS_CAREFUL_WRITER = Symbol('needs the careful writer');
const INDEX_LIKE = /^(0|[1-9][0-9]*)$/;

function sortedCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw NEEDS_CAREFUL_WRITER;
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw NEEDS_CAREFUL_WRITER;
      return value;
    case 'boolean':
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const items = new Array<unknown>(value.length);
        for (let index = 0; index < value.length; index += 1) {
          if (value[index] === undefined) throw NEEDS_CAREFUL_WRITER;
          items[index] = sortedCopy(value[index]);
        }
        return items;
      }
      const object = value as Record<string, unknown>;
      if (typeof object.toJSON === 'function') throw NEEDS_CAREFUL_WRITER;
      // A null prototype keeps a member named __proto__ an ordinary member.
      const copy = Object.create(null) as Record<string, unknown>;
      for (const name of Object.keys(object).sort()) {
        if (INDEX_LIKE.test(name) || !name.isWellFormed()) throw NEEDS_CAREFUL_WRITER;
        const member = object[name];
        if (member !== undefined) copy[name] = sortedCopy(member);
      }
      return copy;
    }
    default:
      throw NEEDS_CAREFUL_WRITER;
  }
}

/** Canonical bytes (UTF-8) of a value. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

function writeString(text: string, parts: string[], path: string): void {
  // A lone surrogate cannot be encoded as UTF-8; RFC 8785 §3.1 requires valid Unicode.
  if (!text.isWellFormed()) unsupported(path, 'a string with a lone surrogate');
  parts.push(JSON.stringify(text));
}

function writeValue(value: unknown, parts: string[], path: string): void {
  if (value === null) {
    parts.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      parts.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) unsupported(path, String(value));
      parts.push(JSON.stringify(value));
      return;
    case 'string':
      writeString(value, parts, path);
      return;
    case 'object':
      if (Array.isArray(value)) writeArray(value, parts, path);
      else writeObject(value as Record<string, unknown>, parts, path);
      return;
    default:
      unsupported(path, typeof value);
  }
}

function writeArray(items: readonly unknown[], parts: string[], path: string): void {
  parts.push('[');
  items.forEach((item, index) => {
    if (item === undefined) unsupported(`${path}[${index}]`, 'undefined');
    if (index > 0) parts.push(',');
    writeValue(item, parts, `${path}[${index}]`);
  });
  parts.push(']');
}

function writeObject(object: Record<string, unknown>, parts: string[], path: string): void {
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    writeValue((object as { toJSON(): unknown }).toJSON(), parts, path);
    return;
  }
  // Members whose value is undefined are absent, as in JSON.stringify; sort() compares UTF-16 code units.
  const names = Object.keys(object)
    .filter((name) => object[name] !== undefined)
    .sort();
  parts.push('{');
  names.forEach((name, index) => {
    if (index > 0) parts.push(',');
    writeString(name, parts, path);
    parts.push(':');
    writeValue(object[name], parts, `${path}.${name}`);
  });
  parts.push('}');
}

function unsupported(path: string, what: string): never {
  throw new KeytrailError('CORE_CANONICAL_UNSUPPORTED', `cannot canonicalise ${what} at ${path} (RFC 8785 accepts I-JSON only)`, {
    details: { path },
  });
}
