import { KeytrailError } from './errors.ts';

/**
 * RFC 8785 (JSON Canonicalization Scheme). Strings and numbers are serialised exactly as ECMAScript
 * JSON.stringify does (RFC 8785 §3.2.2), object members are sorted by the UTF-16 code units of their
 * names (§3.2.3), and no whitespace is emitted. Values outside I-JSON are refused rather than guessed.
 */
export function canonicalize(value: unknown): string {
  const parts: string[] = [];
  writeValue(value, parts, []);
  return parts.join('');
}

/** Canonical bytes (UTF-8) of a value. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

/**
 * Where the writer is, as member names and array indexes; turned into `$.a[0].b` only when a value is
 * refused, so the common path builds no strings.
 */
type Path = (string | number)[];

function writeString(text: string, parts: string[], path: Path): void {
  // A lone surrogate cannot be encoded as UTF-8; RFC 8785 §3.1 requires valid Unicode.
  if (!text.isWellFormed()) unsupported(path, 'a string with a lone surrogate');
  parts.push(JSON.stringify(text));
}

function writeValue(value: unknown, parts: string[], path: Path): void {
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

function writeArray(items: readonly unknown[], parts: string[], path: Path): void {
  parts.push('[');
  for (let index = 0; index < items.length; index += 1) {
    path.push(index);
    if (items[index] === undefined) unsupported(path, 'undefined');
    if (index > 0) parts.push(',');
    writeValue(items[index], parts, path);
    path.pop();
  }
  parts.push(']');
}

function writeObject(object: Record<string, unknown>, parts: string[], path: Path): void {
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    writeValue((object as { toJSON(): unknown }).toJSON(), parts, path);
    return;
  }
  // Members whose value is undefined are absent, as in JSON.stringify; sort() compares UTF-16 code units.
  const names = Object.keys(object)
    .filter((name) => object[name] !== undefined)
    .sort();
  parts.push('{');
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index]!;
    if (index > 0) parts.push(',');
    writeString(name, parts, path);
    parts.push(':');
    path.push(name);
    writeValue(object[name], parts, path);
    path.pop();
  }
  parts.push('}');
}

function unsupported(segments: Path, what: string): never {
  const path = `$${segments.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('')}`;
  throw new KeytrailError('CORE_CANONICAL_UNSUPPORTED', `cannot canonicalise ${what} at ${path} (RFC 8785 accepts I-JSON only)`, {
    details: { path },
  });
}
