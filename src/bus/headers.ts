import type { Clock, OutgoingMessage } from '../core/ports.ts';
import { HEADER_INGEST_TIME, HEADER_SCHEMA_VERSION } from '../core/ports.ts';

/** The version of the message schemas in core/schemas (a consumer refuses versions it does not know). */
export const MESSAGE_SCHEMA_VERSION = '1';

/** Every message carries its schema version and the time it entered the bus, unless the producer set them. */
export function stampHeaders(message: OutgoingMessage, clock: Clock): Record<string, string> {
  return {
    [HEADER_SCHEMA_VERSION]: MESSAGE_SCHEMA_VERSION,
    [HEADER_INGEST_TIME]: clock.now().toISOString(),
    ...message.headers,
  };
}
