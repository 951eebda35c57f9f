import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createManualClock, makeRecord } from '../../test/helpers/records.ts';
import { useTempDirs } from '../../test/helpers/temp-dir.ts';
import type { BusMessage } from '../core/ports.ts';
import type { Entry } from '../core/schemas/entry.ts';
import type { AttributedRecord } from '../core/schemas/record.ts';
import { parseSealerConfig, type SealerConfigInput } from './config.ts';
import { createSealCore } from './seal-core.ts';
import { createNoteSigner, generateNoteKeyPair } from './signer.ts';
import { openChainStore, type ChainStore } from './store.ts';

const ORIGIN = 'example.com/seal-test';
const tempDir = useTempDirs();

function messages(records: readonly AttributedRecord[], firstOffset = 0): BusMessage[] {
  return records.map((record, index) => ({ topic: 'records', partition: 0, offset: String(firstOffset + index), key: record.id, value: Buffer.from(JSON.stringify(record)), headers: {} }));
}

function setUp(config: SealerConfigInput = {}) {
  const store = openChainStore(join(tempDir(), 'chain.db'), ORIGIN);
  const clock = createManualClock();
  const signer = createNoteSigner(generateNoteKeyPair(ORIGIN).signerKey);
  const core = createSealCore({ store, signers: [signer], clock, config: parseSealerConfig(config) });
  return { store, clock, core, signer };
}

function entries(store: ChainStore): Entry[] {
  return [...store.entries(0)].map((row) => JSON.parse(row.bytes.toString('utf8')) as Entry);
}

describe('seal core', () => {
  it('seals a batch in one transaction with its offsets, and drops replayed records by id', () => {
    const { store, core } = setUp();
    const records = Array.from({ length: 25 }, (_, n) => makeRecord(n));
    core.sealBatch(messages(records));
    expect(store.size()).toBe(25);
    expect(store.storedOffsets()).toEqual([{ topic: 'records', partition: 0, nextOffset: '25' }]);
    core.sealBatch(messages([...records.slice(20), makeRecord(25)], 20));
    expect(store.size()).toBe(26);
    expect(core.counts).toMatchObject({ received: 31, sealed: 26, duplicates: 5 });
    expect(entries(store).map((entry) => entry.seq)).toEqual(Array.from({ length: 26 }, (_, n) => n));
    expect(entries(store).map((entry) => entry.record.id)).toEqual(Array.from({ length: 26 }, (_, n) => makeRecord(n).id));
  });

  it('leaves nothing of a batch behind when its transaction fails, offsets included', () => {
    const { store, core } = setUp({ checkpointEveryEntries: 2 });
    core.sealBatch(messages([makeRecord(0)]));
    const failing = { ...store, appendEntry: () => { throw new Error('disk full'); } };
    const broken = createSealCore({ store: failing, signers: [createNoteSigner(generateNoteKeyPair(ORIGIN).signerKey)], clock: createManualClock(), config: parseSealerConfig({}) });
    expect(() => broken.sealBatch(messages([makeRecord(1), makeRecord(2)], 1))).toThrow(/disk full/);
    expect(store.size()).toBe(1);
    expect(store.storedOffsets()).toEqual([{ topic: 'records', partition: 0, nextOffset: '1' }]);
    core.sealBatch(messages([makeRecord(1), makeRecord(2)], 1));
    expect(store.size()).toBe(3);
    expect(store.rootAt(3).length).toBe(32);
  });

  it('signs a checkpoint every N entries inside the batch that reaches N', () => {
    const { store, core } = setUp({ checkpointEveryEntries: 4 });
    core.sealBatch(messages(Array.from({ length: 10 }, (_, n) => makeRecord(n))));
    expect([...store.checkpoints()].map((checkpoint) => checkpoint.size)).toEqual([4, 8]);
  });

  it('signs pending entries once they are checkpointEveryMs old, and heartbeats when idle', () => {
    const { store, core, clock } = setUp({ checkpointEveryEntries: 1000, checkpointEveryMs: 1000, heartbeatMs: 60_000 });
    expect(core.tick()).toBe(true); // an empty log gets its first signed head at once
    core.sealBatch(messages([makeRecord(0), makeRecord(1)]));
    clock.advance(999);
    expect(core.tick()).toBe(false);
    clock.advance(1);
    expect(core.tick()).toBe(true);
    clock.advance(59_999);
    expect(core.tick()).toBe(false);
    clock.advance(1);
    expect(core.tick()).toBe(true);
    const sizes = [...store.checkpoints()].map((checkpoint) => checkpoint.size);
    expect(sizes).toEqual([0, 2, 2]);
    expect(core.counts).toMatchObject({ checkpoints: 3, heartbeats: 2 });
    expect(store.latestCheckpoint()!.note).toContain('time 2026-01-10T12:31:01.000Z\n');
  });

  it('never signs a checkpoint with an earlier time than the one before, even if the clock steps back', () => {
    const { store, core, clock } = setUp();
    core.checkpointNow();
    clock.advance(-5000);
    core.checkpointNow();
    const times = [...store.checkpoints()].map((checkpoint) => checkpoint.note.split('\n')[4]);
    expect(times).toEqual(['time 2026-01-10T12:30:00.000Z', 'time 2026-01-10T12:30:00.000Z']);
  });

  it('resumes the cadence from the newest stored checkpoint after a restart', () => {
    const first = setUp({ checkpointEveryMs: 1000 });
    first.core.sealBatch(messages([makeRecord(0)]));
    first.core.checkpointNow();
    const again = createSealCore({ store: first.store, signers: [first.signer], clock: first.clock, config: parseSealerConfig({ checkpointEveryMs: 1000 }) });
    expect(again.tick()).toBe(false);
  });

  it('fills corrects.seq with the seq of the corrected record, in the chain or in the same batch', () => {
    const { store, core } = setUp();
    const original = makeRecord(0);
    core.sealBatch(messages([original]));
    const laterOriginal = makeRecord(1);
    const corrections = [
      makeRecord(2, { kind: 'correction', corrects: { recordId: original.id, seq: null } }),
      laterOriginal,
      makeRecord(3, { kind: 'correction', corrects: { recordId: laterOriginal.id, seq: null } }),
      makeRecord(4, { kind: 'correction', corrects: { recordId: makeRecord(99).id, seq: 7 } }),
    ];
    core.sealBatch(messages(corrections, 1));
    expect(entries(store).map((entry) => (entry.record.corrects === null ? 'none' : entry.record.corrects.seq))).toEqual(['none', 0, 'none', 2, null]);
  });

  it('dead-letters a record that does not match its schema and keeps sealing the rest', () => {
    const { store, core } = setUp();
    const batch = messages([makeRecord(0), makeRecord(1)]);
    batch.splice(1, 0, { topic: 'records', partition: 0, offset: '99', key: 'k', value: Buffer.from('{"v":1}'), headers: {} });
    const letters = core.sealBatch(batch);
    expect(store.size()).toBe(2);
    expect(letters).toHaveLength(1);
    expect(JSON.parse(letters[0]!.value.toString())).toMatchObject({ code: 'SEAL_RECORD_INVALID', stage: 'seal', source: 'records', position: '0:99' });
  });

  it('signs every checkpoint with every configured signer during a key rotation', () => {
    const store = openChainStore(join(tempDir(), 'chain.db'), ORIGIN);
    const old = createNoteSigner(generateNoteKeyPair(ORIGIN).signerKey);
    const next = createNoteSigner(generateNoteKeyPair(ORIGIN).signerKey);
    const core = createSealCore({ store, signers: [old, next], clock: createManualClock(), config: parseSealerConfig({}) });
    core.sealBatch(messages([makeRecord(0)]));
    core.checkpointNow();
    const lines = store.latestCheckpoint()!.note.split('\n\n')[1]!.trimEnd().split('\n');
    expect(lines.map((line) => Buffer.from(line.split(' ')[2]!, 'base64').subarray(0, 4).toString('hex'))).toEqual([old.keyId.toString('hex'), next.keyId.toString('hex')]);
  });
});
