import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLISHED_SCHEMAS, renderJsonSchema } from './json-schemas.ts';

// `npm run schemas` regenerates schemas/ from the zod schemas; a test fails when the two drift.
const directory = join(import.meta.dirname, '..', '..', '..', 'schemas');
mkdirSync(directory, { recursive: true });
for (const name of Object.keys(PUBLISHED_SCHEMAS) as (keyof typeof PUBLISHED_SCHEMAS)[]) {
  writeFileSync(join(directory, name), renderJsonSchema(name));
  console.log(`wrote schemas/${name}`);
}
