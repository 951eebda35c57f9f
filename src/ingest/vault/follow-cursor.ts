import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { parseStoredCursor } from '../stored-cursor.ts';
import { sha256Hex } from '../../core/hash.ts';

/** Bytes at the start of a file that identify it beyond its inode (inodes are reused after deletion). */
export const HEAD_BYTES = 256;

/**
 * Where a followed file was read up to: its device and inode (a renamed file keeps them), the byte offset
 * after the last complete line published, and the SHA-256 of its first min(offset, 256) bytes, which tells
 * a file truncated and rewritten in place from the one that was read.
 */
export const FollowCursor = z.strictObject({
  v: z.literal(1),
  dev: z.number(),
  ino: z.number(),
  offset: z.int().nonnegative(),
  headSha256: z.string(),
});
export type FollowCursor = z.infer<typeof FollowCursor>;

export function parseFollowCursor(text: string | undefined, cursorName: string): FollowCursor | undefined {
  return text === undefined ? undefined : parseStoredCursor(FollowCursor, text, cursorName, 'file');
}

export function headHash(head: Buffer, offset: number): string {
  return sha256Hex(head.subarray(0, Math.min(offset, HEAD_BYTES)));
}

/**
 * The file with this device and inode: the followed path itself, or a rotated sibling (`audit.log.1`,
 * `audit.log-20260110`) in the same directory. Undefined when it is gone (deleted or compressed away).
 */
export async function findFileByInode(path: string, dev: number, ino: number): Promise<string | undefined> {
  const same = async (candidate: string): Promise<boolean> => {
    try {
      const info = await stat(candidate);
      return info.isFile() && info.dev === dev && info.ino === ino;
    } catch {
      return false;
    }
  };
  if (await same(path)) return path;
  const directory = dirname(path);
  const name = basename(path);
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return undefined;
  }
  for (const candidate of names.filter((entry) => entry !== name && entry.startsWith(name)).sort()) {
    if (await same(join(directory, candidate))) return join(directory, candidate);
  }
  return undefined;
}
