import type { Entry } from '../core/schemas/entry.ts';
import type { RecordKind } from '../core/schemas/record.ts';
import type { ChainStore } from './store.ts';

export interface UnexplainedCall {
  seq: number;
  eventTime: string;
  operation: string;
  keyId: string | null;
  principal: string | null;
  sourceIp: string | null;
  outcome: string | null;
}

export interface ChainSummary {
  size: number;
  headHex: string;
  kinds: Partial<Record<RecordKind, number>>;
  /** Unattributed decrypts: KMS calls that used key material and no user request explains. */
  unattributedDecrypts: UnexplainedCall[];
}

const DECRYPTING = new Set(['decrypt', 'unwrap', 're-encrypt']);

/** What a security engineer wants first about the entries sealed from `fromSeq` on. */
export function summariseChain(store: ChainStore, fromSeq = 0): ChainSummary {
  const kinds: Partial<Record<RecordKind, number>> = {};
  const unattributedDecrypts: UnexplainedCall[] = [];
  for (const row of store.entries(fromSeq)) {
    const { record } = JSON.parse(row.bytes.toString('utf8')) as Entry;
    kinds[record.kind] = (kinds[record.kind] ?? 0) + 1;
    if (record.kind === 'unattributed' && DECRYPTING.has(record.operation)) {
      unattributedDecrypts.push({
        seq: row.seq,
        eventTime: record.eventTime,
        operation: record.kmsEvent?.rawOperation ?? record.operation,
        keyId: record.keyId,
        principal: record.principal,
        sourceIp: record.kmsEvent?.sourceIp ?? null,
        outcome: record.kmsEvent?.outcome ?? null,
      });
    }
  }
  const head = store.head();
  return { size: head.size, headHex: head.hashHex, kinds, unattributedDecrypts };
}
