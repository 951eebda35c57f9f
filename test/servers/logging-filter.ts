import { toNanosecondKey, toUtcTime } from '../../src/ingest/utc-time.ts';

/**
 * The subset of the Logging query language (https://cloud.google.com/logging/docs/view/logging-query-language)
 * the local Cloud Logging server evaluates: comparisons `path op value` with = != < <= > >=, value
 * lists `path=("a" OR "b")`, NOT, parentheses, and AND/OR where, as documented, OR binds tighter than AND.
 * `timestamp` and `receiveTimestamp` compare as instants; everything else as strings.
 */
export type EntryPredicate = (entry: Record<string, unknown>) => boolean;

type Token = { kind: 'op' | 'word' | 'string' | 'paren'; text: string };

const TIME_FIELDS = new Set(['timestamp', 'receiveTimestamp']);

export function compileFilter(filter: string): EntryPredicate {
  const tokens = tokenize(filter);
  let index = 0;
  const peek = (): Token | undefined => tokens[index];
  const next = (): Token => {
    const token = tokens[index++];
    if (token === undefined) throw new Error(`filter ended early: ${filter}`);
    return token;
  };
  const isWord = (text: string): boolean => peek()?.kind === 'word' && peek()?.text === text;

  const parseAnd = (): EntryPredicate => {
    const parts = [parseOr()];
    while (isWord('AND')) {
      next();
      parts.push(parseOr());
    }
    return (entry) => parts.every((part) => part(entry));
  };
  const parseOr = (): EntryPredicate => {
    const parts = [parseUnary()];
    while (isWord('OR')) {
      next();
      parts.push(parseUnary());
    }
    return (entry) => parts.some((part) => part(entry));
  };
  const parseUnary = (): EntryPredicate => {
    if (isWord('NOT')) {
      next();
      const inner = parseUnary();
      return (entry) => !inner(entry);
    }
    if (peek()?.text === '(') {
      next();
      const inner = parseAnd();
      if (next().text !== ')') throw new Error(`missing ) in ${filter}`);
      return inner;
    }
    return parseComparison();
  };
  const parseComparison = (): EntryPredicate => {
    const path = next().text;
    const op = next();
    if (op.kind !== 'op') throw new Error(`expected an operator after ${path} in ${filter}`);
    if (peek()?.text === '(') {
      next();
      const values = [next().text];
      while (isWord('OR')) {
        next();
        values.push(next().text);
      }
      if (next().text !== ')') throw new Error(`missing ) in ${filter}`);
      return (entry) => values.some((value) => compare(readPath(entry, path), op.text, value, path));
    }
    const value = next().text;
    return (entry) => compare(readPath(entry, path), op.text, value, path);
  };

  const predicate = parseAnd();
  if (index !== tokens.length) throw new Error(`unexpected ${tokens[index]!.text} in ${filter}`);
  return predicate;
}

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < filter.length) {
    const char = filter[position]!;
    if (/\s/.test(char)) {
      position += 1;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: 'paren', text: char });
      position += 1;
    } else if (char === '"') {
      let text = '';
      position += 1;
      while (position < filter.length && filter[position] !== '"') {
        if (filter[position] === '\\') position += 1;
        text += filter[position];
        position += 1;
      }
      position += 1;
      tokens.push({ kind: 'string', text });
    } else {
      const op = /^(<=|>=|!=|=|<|>)/.exec(filter.slice(position));
      if (op !== null) {
        tokens.push({ kind: 'op', text: op[1]! });
        position += op[1]!.length;
      } else {
        const word = /^[^\s()"<>=!]+/.exec(filter.slice(position))![0];
        tokens.push({ kind: 'word', text: word });
        position += word.length;
      }
    }
  }
  return tokens;
}

function readPath(entry: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, part) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined), entry);
}

function compare(actual: unknown, op: string, expected: string, path: string): boolean {
  if (actual === undefined || actual === null) return op === '!=';
  let left = String(actual);
  let right = expected;
  if (TIME_FIELDS.has(path)) {
    left = toNanosecondKey(toUtcTime(left) ?? left);
    right = toNanosecondKey(toUtcTime(right) ?? right);
  }
  switch (op) {
    case '=':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    default:
      return left >= right;
  }
}
