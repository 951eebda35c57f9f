import type { ErrorCatalogue } from './spec.ts';

export const CLI_CODES = {
  CLI_USAGE: { exit: 'usage', retriable: false, summary: 'The command line is malformed: unknown command, unknown flag or missing value.' },
  CLI_CONFIG_INVALID: { exit: 'usage', retriable: false, summary: 'The configuration failed validation; every problem is listed with its path.' },
  CLI_INPUT_SPEC_INVALID: { exit: 'usage', retriable: false, summary: 'An --input value is not of the form SOURCE:PATH with a known source.' },
  CLI_LOCKED: { exit: 'usage', retriable: true, summary: 'Another process already runs this stage on the data directory (the sealer, or a correlator with the same instance id).' },
  CLI_IO: { exit: 'io', retriable: true, summary: 'A file or directory the command needs could not be read or written.' },
  CLI_INTERNAL: { exit: 'io', retriable: false, summary: 'An unexpected error escaped a stage; the message carries the original cause.' },
} as const satisfies ErrorCatalogue;
