import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';

/** A fresh directory per call, removed after the test that made it. */
export function useTempDirs(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
  });
  return () => {
    const directory = mkdtempSync(join(tmpdir(), 'keytrail-test-'));
    made.push(directory);
    return directory;
  };
}

/** A directory for a whole test file (built once in beforeAll), removed after the file's last test. */
export function useSuiteTempDir(): () => string {
  let directory: string | undefined;
  afterAll(() => {
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });
  return () => (directory ??= mkdtempSync(join(tmpdir(), 'keytrail-suite-')));
}
