import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/core/error-codes/index.ts';

const EXIT_NUMBERS = { verify: '1', usage: '2', io: '3' } as const;
const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \| (\d) \| (yes|no) \| (.+) \|$/gm)].map((match) => ({ code: match[1]!, exit: match[2]!, retriable: match[3] === 'yes', summary: match[4]! }));

describe('docs/errors.md', () => {
  it('lists every catalogued code exactly once, and nothing else', () => {
    expect(rows.map((row) => row.code).sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('gives each code the exit class and retriable flag of the catalogue', () => {
    for (const row of rows) {
      const spec = ERROR_CODES[row.code as keyof typeof ERROR_CODES];
      expect({ code: row.code, exit: row.exit, retriable: row.retriable }).toEqual({ code: row.code, exit: EXIT_NUMBERS[spec.exit], retriable: spec.retriable });
    }
  });

  it('prefixes every code with the stage that raises it', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^(CORE|CLI|BUS|INGEST|CORRELATE|SEAL|VERIFY|EXPORT|FORWARD)_[A-Z0-9_]+$/);
  });
});
