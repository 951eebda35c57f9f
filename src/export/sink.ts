import type { BundleManifest, RetentionMode } from '../core/schemas/bundle-manifest.ts';

/** A complete bundle found in the destination: where the next export continues from. */
export interface PublishedBundle {
  name: string;
  manifest: BundleManifest;
  manifestSha256: string;
  /** The closing checkpoint's signed note, as stored in the bundle. */
  closingNote: string;
}

/** What the destination did to make one file write-once. */
export interface FileWormState {
  path: string;
  /** Local: whether the Linux immutable attribute was set, and why not when it was not. */
  immutable?: { set: boolean; reason?: string };
  /** S3: the locked object version. */
  versionId?: string;
  key?: string;
}

export interface BundleReceipt {
  name: string;
  /** Where the bundle now is: a directory or an s3:// URL of its prefix. */
  location: string;
  files: FileWormState[];
  /** S3: the Object Lock applied to every object. */
  objectLock?: { mode: RetentionMode; retainUntil: string };
  /** Local: the report file written beside the bundle. */
  reportPath?: string;
}

/** A WORM destination: a local directory or an S3 bucket prefix with Object Lock. */
export interface BundleSink {
  readonly description: string;
  /** The complete bundle with the highest index, or null; clears what interrupted exports left where it can. */
  lastBundle(): Promise<PublishedBundle | null>;
  /** Starts writing bundle `index`; nothing is visible as a complete bundle until `publish`. */
  open(index: number, objectLock: { mode: RetentionMode; retainUntil: Date }): Promise<BundleWriter>;
}

export interface BundleWriter {
  readonly name: string;
  /** Stores one file of the bundle; `sha256Hex` is keytrail's own hash of `data`. */
  put(path: string, data: Buffer, sha256Hex: string): Promise<void>;
  /** Stores manifest.json last and makes the bundle complete in one step the destination cannot half-do. */
  publish(manifest: Buffer, manifestSha256Hex: string): Promise<BundleReceipt>;
  /** Leaves nothing that looks complete (an S3 attempt stays, locked, without its versions object). */
  abort(): Promise<void>;
}
