import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeytrailError } from '../core/errors.ts';
import { createSqliteBus } from './sqlite-bus.ts';

const made: string[] = [];
afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});
const busPath = (): string => {
  const directory = mkdtempSync(join(tmpdir(), 'keytrail-bus-'));
  made.push(directory);
  return join(directory, 'bus.db');
};

describe('embedded bus file', () => {
  it('keeps the partition count it was created with, and refuses another one rather than leave partitions unread', async () => {
    const path = busPath();
    const first = createSqliteBus({ path, partitions: 4 });
    await first.publish('records', Array.from({ length: 20 }, (_, index) => ({ key: `k${index}`, value: Buffer.from(String(index)) })));
    await first.close();

    const error = (() => {
      try {
        createSqliteBus({ path, partitions: 1 });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(KeytrailError);
    expect(error).toMatchObject({ code: 'BUS_CONFIG_INVALID', details: { stored: 4, configured: 1 } });

    const reopened = createSqliteBus({ path });
    const seen: string[] = [];
    await reopened.consume({ group: 'g', topics: ['records'], untilIdle: true, handleBatch: async (batch) => void seen.push(...batch.map((message) => message.value.toString())) });
    expect(seen.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 20 }, (_, index) => String(index)));
    await reopened.close();
  });
});
