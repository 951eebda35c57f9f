import type { ErrorCatalogue } from './spec.ts';

export const INGEST_CODES = {
  INGEST_SOURCE_UNREADABLE: { exit: 'io', retriable: true, summary: 'An input file or stream could not be opened or read.' },
  INGEST_STATE_FAILED: { exit: 'io', retriable: true, summary: 'The ingest state (published event ids and API cursors) could not be read or written.' },
  INGEST_CURSOR_INVALID: { exit: 'usage', retriable: false, summary: 'A stored ingest cursor cannot be parsed; the source refuses to guess where to resume.' },
  INGEST_LISTENER_FAILED: { exit: 'io', retriable: true, summary: 'An intake listener (HTTP app events, Vault socket audit device) could not bind its address.' },
  INGEST_SECRET_UNREADABLE: { exit: 'usage', retriable: false, summary: 'A secret named by reference (environment variable or file) is missing or empty.' },
  INGEST_FILE_NOT_JSON: { exit: 'usage', retriable: false, summary: 'An input file is neither JSON nor NDJSON (or its gzip stream is corrupt); the whole file goes to dead-letter.' },
  INGEST_LINE_NOT_JSON: { exit: 'usage', retriable: false, summary: 'One line of an NDJSON input is not valid JSON.' },
  INGEST_AWS_FILE_INVALID: { exit: 'usage', retriable: false, summary: 'A CloudTrail log file is not an object with a Records array.' },
  INGEST_AWS_RECORD_INVALID: { exit: 'usage', retriable: false, summary: 'A CloudTrail record lacks a field keytrail needs (eventID, eventTime, eventName, eventSource) or has it in the wrong type.' },
  INGEST_NORMALISER_FAILED: { exit: 'io', retriable: false, summary: 'A normaliser threw an unexpected error; the record is dead-lettered and the error is a bug to report.' },
  INGEST_APP_EVENT_INVALID: { exit: 'usage', retriable: false, summary: 'An application event does not match app event v1; details list every problem with its path.' },
} as const satisfies ErrorCatalogue;
