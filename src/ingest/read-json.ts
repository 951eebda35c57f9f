import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { PassThrough, type Readable } from 'node:stream';
import { KeytrailError, toKeytrailError } from '../core/errors.ts';

/** One item read from an input: parsed JSON with its bytes and position, or bytes that did not parse. */
export type ReadItem =
  | { ok: true; value: unknown; raw: Buffer; position: string; records?: number }
  | { ok: false; error: KeytrailError; raw: Buffer; position: string; records?: number };
// `records` (default 1) is how many input records the item stands for: a reader that folds records into
// one (a Vault request entry into its response entry) says so, and the extra ones are counted as merged.

/** Splits one parsed document into the records it holds (e.g. CloudTrail's {"Records": [...]}). */
export type Unwrap = (document: unknown) => { items: unknown[]; pointer: (index: number) => string } | undefined;

/** A top-level JSON array holds one record per element. */
export const unwrapJsonArray: Unwrap = (document) => (Array.isArray(document) ? { items: document as unknown[], pointer: (index) => `/${index}` } : undefined);

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Reads a JSON or NDJSON file, gzip-compressed or not. A file that parses as a whole is one document;
 * otherwise every line is a document, and lines that do not parse are returned as failures so the rest
 * of the file still goes through. `unwrap` lifts records out of container documents.
 */
export async function* readJsonFile(path: string, unwrap: Unwrap): AsyncGenerator<ReadItem> {
  const lines = readLines(path, await isGzip(path));
  const first = await nextNonEmpty(lines);
  if (first === undefined) return;
  const firstValue = tryParse(first.text);
  if (firstValue !== undefined) {
    yield* unwrapDocument(firstValue, Buffer.from(first.text, 'utf8'), `${path}:${first.number}`, unwrap);
    yield* readRemainingLines(lines, path, unwrap);
    return;
  }
  // The first line is not a document on its own: the file is either one pretty-printed document or
  // NDJSON whose first line is bad. Collect the rest and try the whole first.
  const collected = [first];
  for await (const line of iterate(lines)) collected.push(line);
  const whole = collected.map((line) => line.text).join('\n');
  const document = tryParse(whole);
  if (document !== undefined) {
    yield* unwrapDocument(document, Buffer.from(whole, 'utf8'), path, unwrap);
    return;
  }
  for (const line of collected) yield* parseLine(line, path, unwrap);
}

interface Line {
  text: string;
  number: number;
}

interface LineSource {
  iterator: AsyncIterator<string>;
  number: number;
  stream: Readable;
}

function readLines(path: string, gzip: boolean): LineSource {
  const file = createReadStream(path);
  const stream = gzip ? file.pipe(createGunzip()) : file.pipe(new PassThrough());
  file.on('error', (error) => stream.destroy(error));
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  return { iterator: reader[Symbol.asyncIterator](), number: 0, stream };
}

async function* iterate(source: LineSource): AsyncGenerator<Line> {
  while (true) {
    let result: IteratorResult<string>;
    try {
      result = await source.iterator.next();
    } catch (error) {
      throw readFailure(error, source.number);
    }
    if (result.done === true) return;
    source.number += 1;
    yield { text: result.value, number: source.number };
  }
}

async function nextNonEmpty(source: LineSource): Promise<Line | undefined> {
  for await (const line of iterate(source)) if (line.text.trim() !== '') return line;
  return undefined;
}

async function* readRemainingLines(source: LineSource, path: string, unwrap: Unwrap): AsyncGenerator<ReadItem> {
  for await (const line of iterate(source)) yield* parseLine(line, path, unwrap);
}

function* parseLine(line: Line, path: string, unwrap: Unwrap): Generator<ReadItem> {
  if (line.text.trim() === '') return;
  const raw = Buffer.from(line.text, 'utf8');
  const position = `${path}:${line.number}`;
  const value = tryParse(line.text);
  if (value === undefined) {
    yield { ok: false, error: new KeytrailError('INGEST_LINE_NOT_JSON', `line ${line.number} is not valid JSON`, { details: { line: line.number } }), raw, position };
    return;
  }
  yield* unwrapDocument(value, raw, position, unwrap);
}

function* unwrapDocument(document: unknown, raw: Buffer, position: string, unwrap: Unwrap): Generator<ReadItem> {
  const container = unwrap(document);
  if (container === undefined) {
    yield { ok: true, value: document, raw, position };
    return;
  }
  for (const [index, item] of container.items.entries()) {
    yield { ok: true, value: item, raw: Buffer.from(JSON.stringify(item), 'utf8'), position: `${position}#${container.pointer(index)}` };
  }
}

/** zlib errors mean the bytes are bad (dead-letter); anything else is the file system's (an I/O error). */
function readFailure(error: unknown, linesRead: number): KeytrailError {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new KeytrailError('INGEST_FILE_NOT_JSON', `gzip stream is corrupt or truncated after line ${linesRead}`, { cause: error, details: { linesRead } });
  }
  return toKeytrailError(error, 'INGEST_SOURCE_UNREADABLE', `reading after line ${linesRead}`);
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function isGzip(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1];
  } catch (error) {
    throw toKeytrailError(error, 'INGEST_SOURCE_UNREADABLE', `opening ${path}`);
  } finally {
    await handle?.close();
  }
}
