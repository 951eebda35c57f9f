import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createManualClock, makeRecord } from '../../test/helpers/records.ts';
import { useTempDirs } from '../../test/helpers/temp-dir.ts';
import type { BusMessage } from '../core/ports.ts';
import type { AttributedRecord, RecordKind } from '../core/schemas/record.ts';
import { openChainReader } from './chain-reader.ts';
import { parseSealerConfig } from './config.ts';
import { querySealedRecords, type RecordFilter } from './query.ts';
import { createSealCore } from './seal-core.ts';
import { createNoteSigner, generateNoteKeyPair } from './signer.ts';
import { openChainStore } from './store.ts';

const ORIGIN = 'example.com/query-test';
const tempDir = useTempDirs();
const USERS = ['alice@acme.example', 'bob@acme.example', null] as const;
const KINDS: RecordKind[] = ['attributed', 'unattributed', 'service', 'lifecycle'];
const KEYS = ['arn:aws:kms:eu-west-1:111122223333:key/k-0', 'arn:aws:kms:eu-west-1:111122223333:key/k-1', 'arn:aws:kms:eu-west-1:111122223333:key/k-2'];

/** Record n: users, kinds and keys cycle with different periods; every fifth names its key by alias in the app event. */
function record(n: number): AttributedRecord {
  const base = makeRecord(n);
  const user = USERS[n % USERS.length]!;
  const keyId = KEYS[n % KEYS.length]!;
  return {
    ...base,
    kind: KINDS[n % KINDS.length]!,
    user: user === null ? null : { id: user },
    keyId,
    kmsEvent: { ...base.kmsEvent!, keyId },
    appEvent: n % 5 === 0 ? appEvent(n, user ?? 'carol@acme.example', `alias/app-${n % 2}`) : null,
  };
}

function appEvent(n: number, user: string, keyId: string): AttributedRecord['appEvent'] {
  const time = makeRecord(n).eventTime;
  return {
    v: 1,
    source: 'app:events.ndjson',
    ingestTime: '2026-01-10T12:20:00.000Z',
    rawSha256: makeRecord(n).kmsEvent!.rawSha256,
    event: { eventId: `app-${n}`, time, app: 'orders-api', user: { id: user }, operation: 'decrypt', provider: 'aws', keyId, kmsRequestId: `request-${n}` },
  };
}

function sealRecords(count: number): { path: string; records: AttributedRecord[] } {
  const path = join(tempDir(), 'chain.db');
  const store = openChainStore(path, ORIGIN);
  const core = createSealCore({ store, signers: [createNoteSigner(generateNoteKeyPair(ORIGIN).signerKey)], clock: createManualClock(), config: parseSealerConfig({}) });
  const records = Array.from({ length: count }, (_, n) => record(n));
  for (let first = 0; first < count; first += 50) {
    const batch: BusMessage[] = records.slice(first, first + 50).map((value, index) => ({ topic: 'records', partition: 0, offset: String(first + index), key: value.id, value: Buffer.from(JSON.stringify(value)), headers: {} }));
    core.sealBatch(batch);
  }
  core.checkpointNow();
  store.close();
  return { path, records };
}

const FILTERS: RecordFilter[] = [
  { userId: 'alice@acme.example' },
  { userId: 'nobody@acme.example' },
  { kind: 'unattributed' },
  { keyId: KEYS[1] },
  { keyId: 'alias/app-1' },
  { since: new Date('2026-01-10T12:01:00Z'), until: new Date('2026-01-10T12:02:30Z') },
  { userId: 'bob@acme.example', kind: 'service', keyId: KEYS[1], since: new Date('2026-01-10T12:00:30Z') },
];

/** The expected answer, straight from the records sealed at seq = n. */
function expectedSeqs(records: readonly AttributedRecord[], filter: RecordFilter): number[] {
  return records.flatMap((value, seq) => {
    const time = Date.parse(value.eventTime);
    const keys = [value.keyId, value.kmsEvent?.keyId, value.appEvent?.event.keyId];
    const ok =
      (filter.userId === undefined || value.user?.id === filter.userId) &&
      (filter.kind === undefined || value.kind === filter.kind) &&
      (filter.keyId === undefined || keys.includes(filter.keyId)) &&
      (filter.since === undefined || time >= filter.since.getTime()) &&
      (filter.until === undefined || time < filter.until.getTime());
    return ok ? [seq] : [];
  });
}

function query(path: string, filter: RecordFilter, useIndex = true): number[] {
  const reader = openChainReader(path);
  try {
    return [...querySealedRecords(reader, filter, useIndex ? reader.index : undefined)].map((found) => found.seq);
  } finally {
    reader.close();
  }
}

function withDatabase(path: string, work: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    work(db);
  } finally {
    db.close();
  }
}

describe('keytrail query over the record index', () => {
  it('answers every filter with the same seqs through the index as by reading every entry', () => {
    const { path, records } = sealRecords(600);
    for (const filter of FILTERS) {
      const expected = expectedSeqs(records, filter);
      expect(expected.length).toBeLessThan(records.length);
      if (filter.userId !== 'nobody@acme.example') expect(expected.length).toBeGreaterThan(0);
      expect(query(path, filter)).toEqual(expected);
      expect(query(path, filter, false)).toEqual(expected);
    }
  });

  it('pages through more candidates than one page holds', () => {
    const { path, records } = sealRecords(2500);
    const expected = expectedSeqs(records, { since: new Date('2026-01-10T12:00:00Z') });
    expect(expected).toHaveLength(2500);
    expect(query(path, { since: new Date('2026-01-10T12:00:00Z') })).toEqual(expected);
  });

  it('never returns a record the entry bytes do not match, whatever the index says; --scan ignores it', () => {
    const { path, records } = sealRecords(120);
    const alice = expectedSeqs(records, { userId: 'alice@acme.example' });
    const bobSeq = expectedSeqs(records, { userId: 'bob@acme.example' })[0]!;
    withDatabase(path, (db) => {
      db.prepare('UPDATE record_index SET user_id = ? WHERE seq = ?').run('alice@acme.example', bobSeq);
      db.prepare('DELETE FROM record_index WHERE seq = ?').run(alice[1]);
    });
    const indexed = query(path, { userId: 'alice@acme.example' });
    expect(indexed).not.toContain(bobSeq);
    expect(indexed).toEqual(alice.filter((seq) => seq !== alice[1]));
    expect(query(path, { userId: 'alice@acme.example' }, false)).toEqual(alice);
  });

  it('reads the entries past the index, and a sealer that opens a store without one indexes it', () => {
    const { path, records } = sealRecords(300);
    const filter: RecordFilter = { keyId: KEYS[0], kind: 'attributed' };
    const expected = expectedSeqs(records, filter);
    withDatabase(path, (db) => {
      db.prepare('DELETE FROM record_index WHERE seq >= 200').run();
      db.prepare('DELETE FROM record_keys WHERE seq >= 200').run();
    });
    expect(openChainReader(path).index?.coveredSize()).toBe(200);
    expect(query(path, filter)).toEqual(expected);

    withDatabase(path, (db) => db.exec('DROP TABLE record_keys; DROP TABLE record_index;'));
    const legacy = openChainReader(path);
    expect(legacy.index).toBeUndefined();
    legacy.close();
    expect(query(path, filter)).toEqual(expected);

    openChainStore(path, ORIGIN).close();
    const reopened = openChainReader(path);
    expect(reopened.index?.coveredSize()).toBe(300);
    reopened.close();
    expect(query(path, filter)).toEqual(expected);
    withDatabase(path, (db) => expect(db.prepare('SELECT COUNT(*) AS n FROM record_keys').get()).toEqual({ n: 300 + 60 }));
  });
});
