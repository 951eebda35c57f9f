import type { z } from 'zod';
import { parseCheckpointBody } from '../core/checkpoint-format.ts';
import { buildDeadLetter } from '../core/dead-letter.ts';
import { KeytrailError } from '../core/errors.ts';
import { hashLeaf } from '../core/merkle-hash.ts';
import type { BusMessage, Clock, OutgoingMessage } from '../core/ports.ts';
import { schemaError } from '../core/schema-error.ts';
import { AttributedRecord } from '../core/schemas/record.ts';
import { buildEntry } from './chain.ts';
import { signCheckpoint } from './checkpoint.ts';
import type { SealerConfig } from './config.ts';
import { nodesForAppend, rootAt } from './merkle-tree.ts';
import { indexRow } from './record-index.ts';
import type { NoteSigner } from './signer.ts';
import type { ChainStore } from './store.ts';

export interface SealerCounts {
  received: number;
  sealed: number;
  duplicates: number;
  deadLettered: number;
  checkpoints: number;
  /** Checkpoints signed only because the heartbeat was due (no new entry since the previous one). */
  heartbeats: number;
}

export interface SealCore {
  readonly counts: SealerCounts;
  /** Seals one bus batch in one SQLite transaction; returns the dead letters to publish once it is durable. */
  sealBatch(batch: readonly BusMessage[]): OutgoingMessage[];
  /** Signs a checkpoint when one is due (entries waiting too long, or the heartbeat); true if it signed. */
  tick(): boolean;
  /** Signs a checkpoint over the current head, due or not (used on shutdown). */
  checkpointNow(): void;
}

export interface SealCoreDeps {
  store: ChainStore;
  signers: readonly NoteSigner[];
  clock: Clock;
  config: SealerConfig;
}

/**
 * The sealer's decisions, without the bus loop: dedup by record id, entry building (format v1), tree
 * nodes, offsets and checkpoints, all inside one transaction per batch, so a crash leaves the store
 * either before or after the whole batch.
 */
export function createSealCore(deps: SealCoreDeps): SealCore {
  const { store, config } = deps;
  if (deps.signers.length === 0) throw new KeytrailError('CLI_CONFIG_INVALID', 'the sealer needs at least one checkpoint signer');
  const counts: SealerCounts = { received: 0, sealed: 0, duplicates: 0, deadLettered: 0, checkpoints: 0, heartbeats: 0 };
  const last = readLastCheckpoint(store);

  function writeCheckpoint(now: Date): void {
    const head = store.head();
    // Checkpoint times never go back, even when the system clock is stepped back (verify checks it).
    const time = new Date(Math.max(now.getTime(), last.timeMs));
    const body = { origin: store.origin, size: head.size, rootBase64: rootAt(head.size, store.nodes).toString('base64'), headHex: head.hashHex, time: time.toISOString() };
    store.addCheckpoint(head.size, signCheckpoint(body, deps.signers));
    if (head.size === last.size) counts.heartbeats += 1;
    counts.checkpoints += 1;
    last.size = head.size;
    last.timeMs = time.getTime();
  }

  function isDue(nowMs: number): boolean {
    const pending = store.head().size - last.size;
    if (pending >= config.checkpointEveryEntries) return true;
    if (pending > 0 && nowMs - last.timeMs >= config.checkpointEveryMs) return true;
    return nowMs - last.timeMs >= config.heartbeatMs;
  }

  function appendRecord(record: AttributedRecord, sealedAt: Date, sealedNow: Map<string, number>): void {
    const completed = fillCorrectedSeq(record, sealedNow, store);
    const seq = store.head().size;
    const sealed = buildEntry(store.origin, store.head(), sealedAt, completed);
    store.appendEntry({ seq, recordId: record.id, hash: Buffer.from(sealed.hashHex, 'hex'), bytes: sealed.bytes, index: indexRow(completed) }, nodesForAppend(seq, hashLeaf(sealed.bytes), store.nodes));
    sealedNow.set(record.id, seq);
    if (seq + 1 - last.size >= config.checkpointEveryEntries) writeCheckpoint(sealedAt);
  }

  /** A rolled-back transaction must not leave the in-memory cadence or counts ahead of the store. */
  function inTransaction(work: () => void): void {
    const saved = { ...last, checkpoints: counts.checkpoints, heartbeats: counts.heartbeats, duplicates: counts.duplicates };
    try {
      store.transaction(work);
    } catch (error) {
      Object.assign(last, { size: saved.size, timeMs: saved.timeMs });
      Object.assign(counts, { checkpoints: saved.checkpoints, heartbeats: saved.heartbeats, duplicates: saved.duplicates });
      throw error;
    }
  }

  return {
    counts,
    sealBatch(batch) {
      const deadLetters: OutgoingMessage[] = [];
      const sealedAt = deps.clock.now();
      const before = store.head().size;
      inTransaction(() => {
        const sealedNow = new Map<string, number>();
        for (const message of batch) {
          const record = parseRecord(message);
          if (record instanceof KeytrailError) {
            const letter = buildDeadLetter(record, message.value, { stage: 'seal', source: message.topic, position: `${message.partition}:${message.offset}` }, sealedAt);
            deadLetters.push({ key: message.key, value: Buffer.from(JSON.stringify(letter), 'utf8') });
          } else if (sealedNow.has(record.id) || store.recordSeq(record.id) !== undefined) {
            counts.duplicates += 1;
          } else {
            appendRecord(record, sealedAt, sealedNow);
          }
        }
        for (const offset of nextOffsets(batch)) store.saveOffset(offset.topic, offset.partition, offset.nextOffset);
        if (isDue(sealedAt.getTime())) writeCheckpoint(sealedAt);
      });
      counts.received += batch.length;
      counts.sealed += store.head().size - before;
      counts.deadLettered += deadLetters.length;
      return deadLetters;
    },
    tick() {
      const now = deps.clock.now();
      if (!isDue(now.getTime())) return false;
      inTransaction(() => writeCheckpoint(now));
      return true;
    },
    checkpointNow() {
      inTransaction(() => writeCheckpoint(deps.clock.now()));
    },
  };
}

/**
 * Correction records name the record they amend by id; the correlator cannot know its seq. The sealer
 * sets `corrects.seq` to the seq of that record when it is in the chain, and to null otherwise.
 */
function fillCorrectedSeq(record: AttributedRecord, sealedNow: ReadonlyMap<string, number>, store: ChainStore): AttributedRecord {
  if (record.corrects === null) return record;
  const seq = sealedNow.get(record.corrects.recordId) ?? store.recordSeq(record.corrects.recordId) ?? null;
  return seq === record.corrects.seq ? record : { ...record, corrects: { ...record.corrects, seq } };
}

function nextOffsets(batch: readonly BusMessage[]): { topic: string; partition: number; nextOffset: string }[] {
  const next = new Map<string, { topic: string; partition: number; nextOffset: string }>();
  for (const message of batch) {
    const key = `${message.topic}\u0000${message.partition}`;
    const candidate = BigInt(message.offset) + 1n;
    const known = next.get(key);
    if (known === undefined || BigInt(known.nextOffset) < candidate) next.set(key, { topic: message.topic, partition: message.partition, nextOffset: String(candidate) });
  }
  return [...next.values()];
}

function readLastCheckpoint(store: ChainStore): { size: number; timeMs: number } {
  const latest = store.latestCheckpoint();
  if (latest === undefined) return { size: 0, timeMs: Number.NEGATIVE_INFINITY };
  const body = parseCheckpointBody(latest.note.slice(0, latest.note.indexOf('\n\n') + 1));
  return { size: latest.size, timeMs: body.ok ? Date.parse(body.value.time) : Number.NEGATIVE_INFINITY };
}

function parseRecord(message: BusMessage): AttributedRecord | KeytrailError {
  let value: unknown;
  try {
    value = JSON.parse(message.value.toString('utf8'));
  } catch {
    return new KeytrailError('SEAL_RECORD_INVALID', `message ${message.partition}:${message.offset} on ${message.topic} is not JSON`);
  }
  const parsed = (AttributedRecord as z.ZodType<AttributedRecord>).safeParse(value);
  return parsed.success ? parsed.data : schemaError('SEAL_RECORD_INVALID', 'record does not match its schema', parsed.error);
}
