import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_SCHEMAS, renderJsonSchema } from '../src/core/schemas/json-schemas.ts';

describe('schemas/', () => {
  it.each(Object.keys(PUBLISHED_SCHEMAS) as (keyof typeof PUBLISHED_SCHEMAS)[])('holds %s exactly as generated from the zod schema (run npm run schemas)', (name) => {
    const committed = readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8');
    expect(committed).toBe(renderJsonSchema(name));
  });
});
