import { ZERO_HASH_HEX } from './hash.ts';

/**
 * The checkpoint body of format v1: a C2SP tlog-checkpoint (origin, tree size, base64 RFC 6962 root)
 * followed by two extension lines, `head <hex>` (chain hash of the last entry, 64 zeros for an empty log)
 * and `time <RFC 3339>` (when it was signed, for the verifier's freshness rule).
 */
export interface CheckpointBody {
  origin: string;
  size: number;
  /** Base64 (standard, padded) of the 32-byte root. */
  rootBase64: string;
  headHex: string;
  time: string;
}

export const SIGNATURE_LINE_PREFIX = '\u2014 ';

export function formatCheckpointBody(body: CheckpointBody): string {
  return `${body.origin}\n${body.size}\n${body.rootBase64}\nhead ${body.headHex}\ntime ${body.time}\n`;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEX64 = /^[0-9a-f]{64}$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Parses a checkpoint body strictly: any deviation from the v1 layout is a reason, never a guess. */
export function parseCheckpointBody(text: string): ParseResult<CheckpointBody> {
  if (!text.endsWith('\n')) return { ok: false, reason: 'body does not end with a newline' };
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 5) return { ok: false, reason: `body has ${lines.length} lines, v1 needs origin, size, root, head and time` };
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '' || /[\s+]/.test(origin)) return { ok: false, reason: 'origin is empty or contains spaces or +' };
  if (!DECIMAL.test(size) || !Number.isSafeInteger(Number(size))) return { ok: false, reason: `tree size ${JSON.stringify(size)} is not a decimal without leading zeros` };
  const rootBytes = Buffer.from(root, 'base64');
  if (rootBytes.length !== 32 || rootBytes.toString('base64') !== root) return { ok: false, reason: 'root is not the base64 of 32 bytes' };
  const head = extension(extensions, 'head');
  if (head === undefined || !HEX64.test(head)) return { ok: false, reason: 'missing or malformed "head" extension line' };
  const time = extension(extensions, 'time');
  if (time === undefined || !RFC3339_UTC.test(time) || Number.isNaN(Date.parse(time))) return { ok: false, reason: 'missing or malformed "time" extension line' };
  if (Number(size) === 0 && head !== ZERO_HASH_HEX) return { ok: false, reason: 'an empty tree must have a zero head' };
  return { ok: true, value: { origin, size: Number(size), rootBase64: root, headHex: head, time } };
}

function extension(lines: string[], name: string): string | undefined {
  const line = lines.find((candidate) => candidate.startsWith(`${name} `));
  return line?.slice(name.length + 1);
}
