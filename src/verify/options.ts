import type { SourceCheckpoint } from './entry-source.ts';

export interface VerifyOptions {
  /** Verifier key strings the auditor trusts; when absent, the keys stored with the log are used. */
  trustedKeys?: readonly string[];
  /** Checkpoints the auditor kept from earlier (e.g. an earlier audit): the log must still contain them. */
  knownCheckpoints?: readonly SourceCheckpoint[];
  /** When the log is judged for freshness; defaults to the source's capture time, else now. */
  asOf?: Date;
  now?: () => Date;
  cadenceMs?: number;
  graceMs?: number;
  requireSigned?: boolean;
  /** Called every PROGRESS_EVERY entries with the number checked so far. */
  onProgress?: (entriesChecked: number) => void;
}
