import { canonicalBytes } from '../../core/canonical-json.ts';
import { sha256Hex } from '../../core/hash.ts';
import { appEventPartitionKey } from '../../core/partition-key.ts';
import { HEADER_INGEST_TIME, HEADER_SCHEMA_VERSION } from '../../core/ports.ts';
import { schemaError } from '../../core/schema-error.ts';
import { AppEvent, type IngestedAppEvent } from '../../core/schemas/app-event.ts';
import type { NormaliseContext, NormaliseResult } from '../source.ts';

/** App event v1 object → IngestedAppEvent; every schema problem is reported at once, with its path. */
export function normaliseAppEvent(value: unknown, context: NormaliseContext): NormaliseResult {
  const parsed = AppEvent.safeParse(value);
  if (!parsed.success) throw schemaError('INGEST_APP_EVENT_INVALID', 'app event is invalid', parsed.error);
  const ingested: IngestedAppEvent = {
    v: 1,
    source: context.source,
    ingestTime: context.ingestTime.toISOString(),
    rawSha256: sha256Hex(canonicalBytes(value)),
    event: parsed.data,
  };
  return {
    kind: 'event',
    dedupKey: parsed.data.eventId,
    message: {
      key: appEventPartitionKey(parsed.data),
      value: canonicalBytes(ingested),
      headers: { [HEADER_SCHEMA_VERSION]: '1', [HEADER_INGEST_TIME]: ingested.ingestTime },
    },
  };
}
