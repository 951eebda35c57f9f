import type { ErrorCatalogue } from './spec.ts';

/** Errors of `keytrail export` and the scheduled export in `keytrail run` (WORM bundles, docs/FORMAT.md section 10). */
export const EXPORT_CODES = {
  EXPORT_DESTINATION_INVALID: { exit: 'usage', retriable: false, summary: 'The export destination is neither a local directory path nor s3://bucket[/prefix].' },
  EXPORT_DESTINATION_FOREIGN: { exit: 'usage', retriable: false, summary: 'The destination already holds bundles of another log, or its newest bundle ends at a checkpoint this chain store never signed.' },
  EXPORT_BUNDLE_EXISTS: { exit: 'io', retriable: false, summary: 'A bundle (or one of its objects) with the name about to be written already exists with other content; export never overwrites.' },
  EXPORT_WRITE_FAILED: { exit: 'io', retriable: true, summary: 'Writing, syncing or renaming a bundle file in a local destination failed; the bundle was not published.' },
  EXPORT_S3_FAILED: { exit: 'io', retriable: true, summary: 'An S3 request of the export failed; the bundle was not completed and the next export resumes it.' },
  EXPORT_S3_OBJECT_LOCK_MISSING: { exit: 'usage', retriable: false, summary: 'The S3 bucket does not have Object Lock enabled, so objects could not be made write-once.' },
  EXPORT_S3_CHECKSUM_MISMATCH: { exit: 'io', retriable: false, summary: 'S3 acknowledged an object with a SHA-256 checksum other than the one keytrail computed.' },
} as const satisfies ErrorCatalogue;
