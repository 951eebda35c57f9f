import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../test/helpers/ingest-env.ts';
import type { ReadItem } from '../read-json.ts';
import { createVaultPairer } from './pairing.ts';

function entry(type: 'request' | 'response', id: string, path = 'transit/decrypt/orders', mountType = 'transit'): ReadItem {
  const value = { time: '2026-01-10T12:00:00Z', type, request: { id, path, operation: 'update', mount_type: mountType } };
  return { ok: true, value, raw: Buffer.from(JSON.stringify(value)), position: `audit.log:${id}:${type}` };
}

function pairer(options: { timeoutMs?: number; maxParked?: number } = {}) {
  const clock = createTestClock();
  return { clock, pairer: createVaultPairer({ clock, timeoutMs: options.timeoutMs ?? 60_000, maxParked: options.maxParked ?? 100 }) };
}

describe('createVaultPairer', () => {
  it('holds a request entry and releases it with its response as one item counted as two records', () => {
    const { pairer: subject } = pairer();
    const request = entry('request', 'r1');
    const response = entry('response', 'r1');
    expect(subject.accept(request)).toEqual([]);
    const [pair, ...rest] = subject.accept(response);
    expect(rest).toEqual([]);
    expect(pair).toMatchObject({ ok: true, value: (response as { value: unknown }).value, records: 2, position: 'audit.log:r1:response (request at audit.log:r1:request)' });
    expect(pair!.raw.toString()).toBe(`${request.raw.toString()}\n${response.raw.toString()}`);
    expect(subject.parked).toBe(0);
  });

  it('passes a response whose request it never saw, entries of other mounts and unreadable lines straight through', () => {
    const { pairer: subject } = pairer();
    const orphan = entry('response', 'r2');
    const kv = entry('request', 'r3', 'secret/data/x', 'kv');
    const broken: ReadItem = { ok: false, error: new Error('x') as never, raw: Buffer.from('{'), position: 'p' };
    expect([...subject.accept(orphan), ...subject.accept(kv), ...subject.accept(broken)]).toEqual([orphan, kv, broken]);
  });

  it('releases a request alone once it waited timeoutMs, and every parked request at the end of input', () => {
    const { clock, pairer: subject } = pairer({ timeoutMs: 30_000 });
    subject.accept(entry('request', 'old'));
    clock.advance(20_000);
    subject.accept(entry('request', 'new'));
    clock.advance(10_000);
    expect(subject.expire().map((item) => item.position)).toEqual(['audit.log:old:request']);
    expect(subject.drain().map((item) => item.position)).toEqual(['audit.log:new:request']);
    expect(subject.parked).toBe(0);
  });

  it('reports newly parked records to store, and releases of stored ones to delete, but not records that came and went in between', () => {
    const { clock } = pairer();
    const restored = [{ key: 'stored', raw: entry('request', 'stored').raw, position: 'p0', parkedAtMs: 0 }];
    const subject = createVaultPairer({ clock, timeoutMs: 60_000, maxParked: 100, restored });
    subject.accept(entry('request', 'a'));
    subject.accept(entry('request', 'b'));
    subject.accept(entry('response', 'b'));
    subject.accept(entry('response', 'stored'));
    const changes = subject.takeChanges();
    expect({ park: changes.park.map((record) => record.key), release: changes.release }).toEqual({ park: ['a'], release: ['stored'] });
    expect(subject.takeChanges()).toEqual({ park: [], release: [] });
    subject.accept(entry('response', 'a'));
    expect(subject.takeChanges()).toEqual({ park: [], release: ['a'] });
  });

  it('releases the oldest parked request when more than maxParked are waiting', () => {
    const { pairer: subject } = pairer({ maxParked: 2 });
    subject.accept(entry('request', '1'));
    subject.accept(entry('request', '2'));
    expect(subject.accept(entry('request', '3')).map((item) => item.position)).toEqual(['audit.log:1:request']);
    expect(subject.parked).toBe(2);
  });

  it('folds a repeated request entry into the parked one, so it is counted and never published twice', () => {
    const { pairer: subject } = pairer();
    subject.accept(entry('request', 'r'));
    expect(subject.accept(entry('request', 'r'))).toEqual([]);
    expect(subject.accept(entry('response', 'r'))[0]!.records).toBe(3);
  });
});
