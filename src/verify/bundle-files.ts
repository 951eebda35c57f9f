import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../core/hash.ts';
import { BundleManifest, MANIFEST_PATH, type BundleFile } from '../core/schemas/bundle-manifest.ts';
import type { Finding } from './findings.ts';

export type ManifestRead = { ok: true; manifest: BundleManifest; bytes: Buffer; sha256: string } | { ok: false; finding: Finding };

/** manifest.json, strictly: JSON of the v1 bundle manifest shape, or a finding saying why not. */
export function readBundleManifest(dir: string, label: string): ManifestRead {
  const path = join(dir, MANIFEST_PATH);
  if (!existsSync(path)) return { ok: false, finding: { code: 'VERIFY_BUNDLE_INCOMPLETE', where: `${label}/${MANIFEST_PATH}`, message: 'the bundle has no manifest.json: an interrupted export, or its manifest was removed; nothing in it is counted' } };
  const bytes = readFileSync(path);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { ok: false, finding: { code: 'VERIFY_BUNDLE_MANIFEST_MALFORMED', where: `${label}/${MANIFEST_PATH}`, message: `manifest.json is not JSON: ${(error as Error).message}` } };
  }
  const parsed = BundleManifest.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, finding: { code: 'VERIFY_BUNDLE_MANIFEST_MALFORMED', where: `${label}/${MANIFEST_PATH}`, message: `manifest.json is not a v1 bundle manifest: ${problems.join('; ')}` } };
  }
  return { ok: true, manifest: parsed.data, bytes, sha256: sha256Hex(bytes) };
}

/** Files under `sub` (segments, checkpoints), sorted by name: what is really there, whatever the manifest says. */
export function listBundleDir(dir: string, sub: string): string[] {
  const path = join(dir, sub);
  if (!existsSync(path)) return [];
  return readdirSync(path).sort().map((name) => `${sub}/${name}`);
}

/** Compares the files the manifest lists under `sub` with those present: missing, unlisted, size and hash. */
export function checkListedFiles(dir: string, label: string, listed: readonly BundleFile[], present: readonly string[], findings: Finding[], hashOf: (path: string) => string | null): void {
  const byPath = new Map(listed.map((file) => [file.path, file]));
  for (const path of present) {
    if (!byPath.has(path)) findings.push({ code: 'VERIFY_BUNDLE_FILE_UNLISTED', where: `${label}/${path}`, message: 'the bundle holds a file its manifest does not list (added after export)' });
  }
  for (const file of listed) {
    const where = `${label}/${file.path}`;
    if (!present.includes(file.path)) {
      findings.push({ code: 'VERIFY_BUNDLE_TRUNCATED', where, message: 'a file the manifest lists is missing from the bundle' });
      continue;
    }
    const size = statSync(join(dir, file.path)).size;
    const sha256 = hashOf(file.path);
    if (sha256 === null) continue;
    if (size < file.bytes && sha256 !== file.sha256) {
      findings.push({ code: 'VERIFY_BUNDLE_TRUNCATED', where, message: `the file is shorter than the manifest says: it was cut`, expected: `${file.bytes} bytes`, actual: `${size} bytes` });
    } else if (size !== file.bytes || sha256 !== file.sha256) {
      findings.push({ code: 'VERIFY_BUNDLE_FILE_HASH', where, message: 'the file is not the one the manifest lists (size or SHA-256 differ)', expected: `${file.sha256} (${file.bytes} bytes)`, actual: `${sha256} (${size} bytes)` });
    }
  }
}

export function hashFile(dir: string, path: string): string {
  return sha256Hex(readFileSync(join(dir, path)));
}
