import { describe, expect, it } from 'vitest';
import { lookupOperation } from './operations.ts';

describe('lookupOperation', () => {
  it('maps names in the table and nothing inherited from Object.prototype', () => {
    const table = { Decrypt: 'decrypt' } as const;
    expect(lookupOperation(table, 'Decrypt')).toBe('decrypt');
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) expect(lookupOperation(table, name)).toBe('other');
  });
});
