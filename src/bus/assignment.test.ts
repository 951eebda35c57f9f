import { describe, expect, it } from 'vitest';
import { assignCopartitioned } from './assignment.ts';

const partitions = (topics: string[], count: number) => topics.flatMap((topic) => Array.from({ length: count }, (_, partition) => ({ topic, partition })));

describe('assignCopartitioned', () => {
  it('gives partition n of every topic to the same member, whatever order the members come in', () => {
    const entries = partitions(['kms.events', 'app.events'], 3);
    const forward = assignCopartitioned(['m-b', 'm-a'], entries);
    expect(forward).toEqual(assignCopartitioned(['m-a', 'm-b'], [...entries].reverse()));
    expect(forward.get('m-a')).toEqual([
      { topic: 'app.events', partition: 0 },
      { topic: 'kms.events', partition: 0 },
      { topic: 'app.events', partition: 2 },
      { topic: 'kms.events', partition: 2 },
    ]);
    expect(forward.get('m-b')).toEqual([
      { topic: 'app.events', partition: 1 },
      { topic: 'kms.events', partition: 1 },
    ]);
  });

  it('hands every partition to exactly one member and leaves members beyond the partition count idle', () => {
    const entries = partitions(['records'], 2);
    const assignment = assignCopartitioned(['a', 'b', 'c'], entries);
    expect([...assignment.values()].flat()).toHaveLength(2);
    expect(assignment.get('c')).toEqual([]);
    expect(assignCopartitioned([], entries).size).toBe(0);
  });

  it('orders members by the name they keep across sessions, so a member that rejoins gets its partitions back', () => {
    const entries = partitions(['kms.events', 'app.events'], 4);
    const names: Record<string, string> = { 'keytrail-aaa': 'host-2', 'keytrail-bbb': 'host-1' };
    const first = assignCopartitioned(Object.keys(names), entries, (id) => names[id]!);
    expect(first.get('keytrail-bbb')!.map((entry) => entry.partition)).toEqual([0, 0, 2, 2]);
    // host-1 is evicted and rejoins: the broker gives it a new member id that now sorts first.
    const rejoined: Record<string, string> = { 'keytrail-000': 'host-1', 'keytrail-aaa': 'host-2' };
    const second = assignCopartitioned(Object.keys(rejoined), entries, (id) => rejoined[id]!);
    expect(second.get('keytrail-000')).toEqual(first.get('keytrail-bbb'));
    expect(second.get('keytrail-aaa')).toEqual(first.get('keytrail-aaa'));
    // By member id alone, host-2's member would have lost its partitions to the rejoined host-1.
    const byId = (ids: string[]) => assignCopartitioned(ids, entries).get('keytrail-aaa');
    expect(byId(['keytrail-000', 'keytrail-aaa'])).not.toEqual(byId(['keytrail-aaa', 'keytrail-bbb']));
  });
});
