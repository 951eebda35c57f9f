import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonical-json.ts';
import { KeytrailError } from './errors.ts';

function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonicalize (RFC 8785)', () => {
  it('serialises the RFC 8785 §3.2.2 sample exactly', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts members by UTF-16 code units as in RFC 8785 §3.2.3', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ])('serialises the IEEE-754 value %s as %s (RFC 8785 Appendix B)', (bits, expected) => {
    expect(canonicalize(fromBits(bits))).toBe(expected);
  });

  it('sorts nested objects and keeps array order', () => {
    expect(canonicalize({ b: [3, { z: 1, a: 2 }], a: { d: null, c: 'x' } })).toBe('{"a":{"c":"x","d":null},"b":[3,{"a":2,"z":1}]}');
  });

  it('sorts index-like member names as strings, not as numbers', () => {
    expect(canonicalize({ '9': 'nine', '10': 'ten', a: { '2': 2, '1': 1, '01': 0 } })).toBe('{"10":"ten","9":"nine","a":{"01":0,"1":1,"2":2}}');
  });

  it('keeps a member named __proto__ as an ordinary member', () => {
    expect(canonicalize(JSON.parse('{"b":1,"__proto__":{"x":2}}'))).toBe('{"__proto__":{"x":2},"b":1}');
  });

  it('serialises what toJSON returns', () => {
    expect(canonicalize({ at: new Date('2026-01-10T12:00:00Z') })).toBe('{"at":"2026-01-10T12:00:00.000Z"}');
  });

  it('leaves out members whose value is undefined', () => {
    expect(canonicalize({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a lone surrogate', '\ud800x'],
    ['a bigint', 10n],
    ['undefined in an array', [1, undefined]],
  ])('refuses %s with CORE_CANONICAL_UNSUPPORTED', (_name, value) => {
    expect(() => canonicalize({ value })).toThrow(KeytrailError);
    try {
      canonicalize({ value });
    } catch (error) {
      expect((error as KeytrailError).code).toBe('CORE_CANONICAL_UNSUPPORTED');
    }
  });

  it('names where in the value the refused part is', () => {
    expect(() => canonicalize({ a: [1, { b: Number.NaN }] })).toThrow('cannot canonicalise NaN at $.a[1].b');
    expect(() => canonicalize({ list: [[0, undefined]] })).toThrow('at $.list[0][1]');
  });
});

describe('canonicalize on arbitrary JSON (fast-check)', () => {
  // A deliberately simple reference: RFC 8785 §3.2 for values JSON.parse can produce.
  const reference = (value: unknown): string => {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object).sort().map((name) => `${JSON.stringify(name)}:${reference(object[name])}`).join(',')}}`;
  };

  it('matches a plain reference serialisation and is idempotent', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (generated) => {
        const value = JSON.parse(JSON.stringify(generated)) as unknown;
        const text = canonicalize(value);
        expect(text).toBe(reference(value));
        expect(canonicalize(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
