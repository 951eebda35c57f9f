import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { KeytrailError, toKeytrailError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import { BUNDLE_NAME, BundleManifest, bundleName, MANIFEST_PATH } from '../core/schemas/bundle-manifest.ts';
import { setImmutable } from './immutable.ts';
import type { BundleReceipt, BundleSink, BundleWriter, FileWormState, PublishedBundle } from './sink.ts';

const STAGING_PREFIX = '.staging-';
export const REPORTS_DIR = 'export-reports';

/**
 * A local WORM directory. A bundle is written into a staging directory (each file created new, read-only,
 * fsync'd), then renamed to its final name in one step and the parent directory fsync'd; its files and
 * directories then get the immutable attribute where the system permits. Nothing is ever overwritten:
 * the final name is reserved with mkdir, which fails if it exists.
 */
export function createLocalSink(dir: string, options: { immutable: 'try' | 'off' }): BundleSink {
  return {
    description: dir,
    async lastBundle() {
      await guard(() => mkdir(dir, { recursive: true }), `creating ${dir}`);
      const names = await guard(() => readdir(dir), `listing ${dir}`);
      let newest: PublishedBundle | null = null;
      for (const name of names) {
        const path = join(dir, name);
        if (name.startsWith(STAGING_PREFIX)) {
          // An export that stopped before its rename: never a bundle, and not yet immutable.
          await guard(() => rm(path, { recursive: true, force: true }), `removing the interrupted staging directory ${path}`);
          continue;
        }
        const match = BUNDLE_NAME.exec(name);
        if (match === null || match[2] !== undefined) continue;
        const manifestBytes = await readFile(join(path, MANIFEST_PATH)).catch(() => null);
        if (manifestBytes === null) {
          // A reserved name whose rename never happened: empty, so rmdir removes it; anything else stays for verify to report.
          await rmdir(path).catch(() => undefined);
          continue;
        }
        const bundle = await readPublished(path, name, manifestBytes);
        if (newest === null || bundle.manifest.index > newest.manifest.index) newest = bundle;
      }
      if (newest !== null) await finishInterruptedLock(dir, newest.name, options.immutable);
      return newest;
    },
    async open(index) {
      const name = bundleName(index);
      const staging = join(dir, `${STAGING_PREFIX}${name}-${randomBytes(6).toString('hex')}`);
      await guard(() => mkdir(staging), `creating ${staging}`);
      const written: string[] = [];
      const writer: BundleWriter = {
        name,
        async put(path, data) {
          await writeNewFile(join(staging, path), data);
          written.push(path);
        },
        async publish(manifest) {
          await writeNewFile(join(staging, MANIFEST_PATH), manifest);
          written.push(MANIFEST_PATH);
          for (const sub of new Set(written.map((path) => dirname(path)).filter((sub) => sub !== '.'))) await syncDirectory(join(staging, sub));
          await syncDirectory(staging);
          const target = join(dir, name);
          await mkdir(target).catch((error: NodeJS.ErrnoException) => {
            throw error.code === 'EEXIST' ? new KeytrailError('EXPORT_BUNDLE_EXISTS', `${target} already exists; export never overwrites a bundle`) : toKeytrailError(error, 'EXPORT_WRITE_FAILED', `reserving ${target}`);
          });
          // rename(2) replaces the empty directory just reserved, atomically: the bundle appears whole or not at all.
          await guard(() => rename(staging, target), `renaming ${staging} to ${target}`);
          await syncDirectory(dir);
          const files = await lockFiles(target, written, options.immutable);
          const reportPath = await writeReport(dir, name, files);
          return { name, location: target, files, reportPath } satisfies BundleReceipt;
        },
        async abort() {
          await rm(staging, { recursive: true, force: true });
        },
      };
      return writer;
    },
  };
}

async function readPublished(path: string, name: string, manifestBytes: Buffer): Promise<PublishedBundle> {
  let manifest: BundleManifest;
  try {
    manifest = BundleManifest.parse(JSON.parse(manifestBytes.toString('utf8')));
  } catch (error) {
    throw new KeytrailError('EXPORT_DESTINATION_FOREIGN', `${path}/${MANIFEST_PATH} is not a keytrail bundle manifest; run keytrail verify on the destination`, { cause: error });
  }
  const closingNote = await guard(() => readFile(join(path, manifest.closingCheckpoint.path), 'utf8'), `reading the closing checkpoint of ${path}`);
  return { name, manifest, manifestSha256: sha256Hex(manifestBytes), closingNote };
}

/** O_EXCL: a file that exists is an error, never overwritten. Mode 0444 from the start. */
async function writeNewFile(path: string, data: Buffer): Promise<void> {
  await guard(async () => {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o444);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }, `writing ${path}`);
}

async function syncDirectory(path: string): Promise<void> {
  await guard(async () => {
    const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }, `syncing the directory ${path}`);
}

/** Files first, then their directories (an immutable directory takes no new entries). */
async function lockFiles(target: string, written: readonly string[], mode: 'try' | 'off'): Promise<FileWormState[]> {
  const directories = [...new Set(written.map((path) => dirname(path)).filter((sub) => sub !== '.')), '.'];
  const states: FileWormState[] = [];
  for (const path of [...written, ...directories.map((sub) => (sub === '.' ? '' : `${sub}/`))]) {
    const immutable = mode === 'off' ? { set: false, reason: 'disabled by configuration (immutable: off)' } : await setImmutable(join(target, path));
    states.push({ path: path === '' ? './' : path, immutable });
  }
  return states;
}

/**
 * An export stopped between the rename and the report (the bundle is complete, its attributes maybe not
 * set): the next export sets them and writes the report, so no bundle stays unlocked without a word.
 */
async function finishInterruptedLock(dir: string, name: string, mode: 'try' | 'off'): Promise<void> {
  const report = join(dir, REPORTS_DIR, `${name}.json`);
  if (await stat(report).then(() => true, () => false)) return;
  const target = join(dir, name);
  const files = (await readdir(target, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => relative(target, join(entry.parentPath, entry.name)));
  await writeReport(dir, name, await lockFiles(target, files, mode));
}

/** Beside the bundle (not in it: the bundle is sealed by now), one JSON file per bundle says what was locked. */
async function writeReport(dir: string, name: string, files: FileWormState[]): Promise<string> {
  const path = join(dir, REPORTS_DIR, `${name}.json`);
  await writeNewFile(path, Buffer.from(`${JSON.stringify({ bundle: name, immutable: files }, null, 2)}\n`));
  await syncDirectory(join(dir, REPORTS_DIR));
  return path;
}

async function guard<T>(work: () => Promise<T>, what: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toKeytrailError(error, 'EXPORT_WRITE_FAILED', what);
  }
}

