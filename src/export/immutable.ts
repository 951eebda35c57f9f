import { execFile } from 'node:child_process';

export interface ImmutableResult {
  set: boolean;
  reason?: string;
}

/**
 * Sets the Linux immutable attribute (`chattr +i`): no write, rename, unlink or new link, even by root,
 * until someone with CAP_LINUX_IMMUTABLE clears it. Not every filesystem supports it and unprivileged
 * processes may not set it; the reason is returned, never swallowed.
 */
export function setImmutable(path: string): Promise<ImmutableResult> {
  if (process.platform !== 'linux') return Promise.resolve({ set: false, reason: `the immutable attribute is a Linux feature (this is ${process.platform})` });
  return new Promise((resolve) => {
    execFile('chattr', ['+i', '--', path], { timeout: 30_000 }, (error, _stdout, stderr) => {
      if (error === null) resolve({ set: true });
      else resolve({ set: false, reason: (stderr.trim() || error.message).replace(/\s+/g, ' ') });
    });
  });
}
