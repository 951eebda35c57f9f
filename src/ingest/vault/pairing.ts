import type { Clock } from '../../core/ports.ts';
import type { ReadItem } from '../read-json.ts';
import type { PendingRecord } from '../state.ts';

/**
 * Pairs Vault request entries with their response entries (same `request.id`). A transit request entry is
 * parked until its response arrives; the pair then goes on as one item (the response entry, which repeats
 * the request, with both lines as raw bytes and counted as two records). A request whose response does not
 * come within `timeoutMs`, or is still parked at the end of the input, goes on alone (a request-only event).
 * Parked records are handed to the ingest state with each flush, so a follower that restarts finds them.
 */
export interface VaultPairer {
  /** Items ready to be normalised now (often none for a request entry, which is parked). */
  accept(item: ReadItem): ReadItem[];
  /** Request entries parked for `timeoutMs` or longer, released as request-only items. */
  expire(): ReadItem[];
  /** Every parked request entry, released (end of input). */
  drain(): ReadItem[];
  /** What to store with the next flush: newly parked records, and released ones that had been stored. */
  takeChanges(): { park: PendingRecord[]; release: string[] };
  readonly parked: number;
}

export interface PairerOptions {
  clock: Clock;
  timeoutMs: number;
  /** Beyond this many parked requests the oldest is released as request-only, so memory stays bounded. */
  maxParked: number;
  /** Records a previous run parked (from the ingest state). */
  restored?: readonly PendingRecord[];
}

interface Parked {
  record: PendingRecord;
  value: unknown;
  records: number;
}

export function createVaultPairer(options: PairerOptions): VaultPairer {
  const parked = new Map<string, Parked>();
  const unstored = new Map<string, PendingRecord>();
  let released: string[] = [];
  for (const record of options.restored ?? []) parked.set(record.key, { record, value: JSON.parse(record.raw.toString('utf8')) as unknown, records: 1 });

  const release = (key: string): Parked => {
    const entry = parked.get(key)!;
    parked.delete(key);
    if (!unstored.delete(key)) released.push(key);
    return entry;
  };
  const alone = (entry: Parked): ReadItem => ({ ok: true, value: entry.value, raw: entry.record.raw, position: entry.record.position, records: entry.records });

  return {
    accept(item) {
      if (!item.ok) return [item];
      const key = pairingKeyOf(item.value);
      if (key === null) return [item];
      const waiting = parked.get(key.id);
      if (key.type === 'request') {
        if (waiting !== undefined) {
          waiting.records += item.records ?? 1;
          return [];
        }
        const record = { key: key.id, raw: item.raw, position: item.position, parkedAtMs: options.clock.now().getTime() };
        parked.set(key.id, { record, value: item.value, records: item.records ?? 1 });
        unstored.set(key.id, record);
        if (parked.size <= options.maxParked) return [];
        return [alone(release(parked.keys().next().value!))];
      }
      if (waiting === undefined) return [item];
      release(key.id);
      return [
        {
          ok: true,
          value: item.value,
          raw: Buffer.concat([waiting.record.raw, Buffer.from('\n'), item.raw]),
          position: `${item.position} (request at ${waiting.record.position})`,
          records: waiting.records + (item.records ?? 1),
        },
      ];
    },
    expire() {
      const deadline = options.clock.now().getTime() - options.timeoutMs;
      const expired = [...parked.values()].filter((entry) => entry.record.parkedAtMs <= deadline);
      return expired.map((entry) => alone(release(entry.record.key)));
    },
    drain() {
      return [...parked.keys()].map((key) => alone(release(key)));
    },
    takeChanges() {
      const changes = { park: [...unstored.values()], release: released };
      unstored.clear();
      released = [];
      return changes;
    },
    get parked() {
      return parked.size;
    },
  };
}

/**
 * The type and request id of a transit audit entry, read without full validation (the normaliser validates);
 * null for anything that is not worth parking (other mounts, malformed entries).
 */
export function pairingKeyOf(value: unknown): { type: 'request' | 'response'; id: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  const entry = value as { type?: unknown; request?: { id?: unknown; mount_type?: unknown; path?: unknown } | null };
  const request = entry.request;
  if ((entry.type !== 'request' && entry.type !== 'response') || typeof request !== 'object' || request === null) return null;
  if (typeof request.id !== 'string' || request.id === '') return null;
  const transit = request.mount_type === 'transit' || (request.mount_type == null && typeof request.path === 'string' && request.path.startsWith('transit/'));
  return transit ? { type: entry.type, id: request.id } : null;
}
