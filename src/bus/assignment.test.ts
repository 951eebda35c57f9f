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
});
