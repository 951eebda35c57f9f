/** What the CLI does with an error of this code: verification failure, usage/config problem, or I/O. */
export type ExitClass = 'verify' | 'usage' | 'io';

export interface ErrorCodeSpec {
  readonly exit: ExitClass;
  readonly retriable: boolean;
  readonly summary: string;
}

export type ErrorCatalogue = Record<string, ErrorCodeSpec>;
