import { z } from 'zod';
import { DeadLetter } from '../dead-letter.ts';
import { AppEvent, AttributedRecord, BundleManifest, BundleVersions, Checkpoint, Entry, IngestedAppEvent, KmsEvent, ProofDocument } from './index.ts';

/** The published JSON Schemas: file name in schemas/ → zod schema it is generated from. */
export const PUBLISHED_SCHEMAS = {
  'kms-event.schema.json': KmsEvent,
  'app-event.schema.json': AppEvent,
  'ingested-app-event.schema.json': IngestedAppEvent,
  'attributed-record.schema.json': AttributedRecord,
  'entry.schema.json': Entry,
  'checkpoint.schema.json': Checkpoint,
  'dead-letter.schema.json': DeadLetter,
  'proof.schema.json': ProofDocument,
  'bundle-manifest.schema.json': BundleManifest,
  'bundle-versions.schema.json': BundleVersions,
} as const;

export function renderJsonSchema(name: keyof typeof PUBLISHED_SCHEMAS): string {
  const schema = z.toJSONSchema(PUBLISHED_SCHEMAS[name], { target: 'draft-2020-12', io: 'input' });
  const id = `https://keytrail.dev/schemas/${name}`;
  return `${JSON.stringify({ $id: id, ...schema }, null, 2)}\n`;
}
