import { open, stat, type FileHandle } from 'node:fs/promises';
import { KeytrailError, toKeytrailError } from '../../core/errors.ts';
import { createLineBuffer, parseJsonLine } from '../line-buffer.ts';
import { createBatchPublisher, emptyCounts, type BatchPublisher, type IngestCounts, type IngestDeps } from '../publisher.ts';
import { realWait, type Wait } from '../rate-limiter.ts';
import { retryDelayMs, type SourceRetry } from '../retry-policy.ts';
import type { ReadItem } from '../read-json.ts';
import { VaultFileFollowConfig } from './config.ts';
import { findFileByInode, HEAD_BYTES, headHash, parseFollowCursor, type FollowCursor } from './follow-cursor.ts';
import { createVaultPairer, type VaultPairer } from './pairing.ts';
import { vaultAuditSource } from './source.ts';

export interface FollowerStatus {
  /** The file being read (the followed path, or a rotated file being finished). */
  file: string | undefined;
  offset: number;
  parked: number;
  /** Files rotated away (deleted or compressed) before they were read to the end: their tail is lost. */
  rotatedAway: number;
  /** Times the file was found truncated or rewritten in place (copytruncate): reading restarted at 0. */
  truncations: number;
}

export interface VaultFileFollower {
  /** Reads what is new, across rotation and truncation, publishes it, then stores the cursor. */
  pollOnce(): Promise<void>;
  /** Polls every pollIntervalMs until the signal aborts; retriable failures restart from the stored state. */
  run(options: { signal: AbortSignal }): Promise<void>;
  readonly counts: IngestCounts;
  status(): FollowerStatus;
  close(): Promise<void>;
}

interface OpenFile {
  handle: FileHandle;
  path: string;
  dev: number;
  ino: number;
  head: Buffer;
  lines: ReturnType<typeof createLineBuffer>;
}

/**
 * Follows a Vault file audit device like `tail -F`. A rename rotation is noticed by the path's inode
 * changing: the old file is read to its end, then the new one from 0. A truncation (copytruncate) is noticed
 * by the size dropping below the offset or the first bytes changing. Restarting resumes from the stored
 * inode and offset, finding a rotated file by its inode in the same directory.
 */
export function createVaultFileFollower(input: VaultFileFollowConfig, deps: IngestDeps & { wait?: Wait; onRetry?: (retry: SourceRetry) => void }): VaultFileFollower {
  const config = VaultFileFollowConfig.parse(input);
  const name = config.cursorName ?? `vault-file:${config.path}`;
  const wait = deps.wait ?? realWait;
  const counts = emptyCounts();
  const status = { rotatedAway: 0, truncations: 0 };
  let current: OpenFile | undefined;
  let pairer: VaultPairer | undefined;
  let publisher: BatchPublisher = createBatchPublisher(vaultAuditSource, config.path, deps, counts);
  let committedOffset = 0;

  async function openFile(path: string, offset: number): Promise<OpenFile> {
    const handle = await open(path, 'r');
    const info = await handle.stat();
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return { handle, path, dev: info.dev, ino: info.ino, head: head.subarray(0, bytesRead), lines: createLineBuffer(offset) };
  }

  async function resume(): Promise<OpenFile | undefined> {
    const cursor = parseFollowCursor(deps.state.cursor(name), name);
    if (cursor !== undefined) {
      const found = await findFileByInode(config.path, cursor.dev, cursor.ino);
      if (found !== undefined) return reopen(found, cursor);
      status.rotatedAway += 1;
    }
    const info = await stat(config.path).catch(() => undefined);
    if (info === undefined) return undefined;
    return openFile(config.path, cursor === undefined && config.startAt === 'end' ? info.size : 0);
  }

  async function reopen(path: string, cursor: FollowCursor): Promise<OpenFile> {
    const file = await openFile(path, 0);
    const size = (await file.handle.stat()).size;
    if (size >= cursor.offset && headHash(file.head, cursor.offset) === cursor.headSha256) {
      file.lines = createLineBuffer(cursor.offset);
    } else {
      status.truncations += 1;
    }
    return file;
  }

  const readPosition = (file: OpenFile): number => file.lines.consumedOffset + file.lines.remainder.length;

  /** Publishes what is pending and stores the cursor at `offset` (just after the last line handed on). */
  async function flush(file: OpenFile | undefined, offset = file?.lines.consumedOffset ?? 0): Promise<void> {
    const changes = pairer!.takeChanges();
    if (file === undefined) {
      await publisher.flush(undefined, { source: name, ...changes });
      return;
    }
    if (file.head.length < Math.min(offset, HEAD_BYTES)) {
      const head = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await file.handle.read(head, 0, HEAD_BYTES, 0);
      file.head = head.subarray(0, bytesRead);
    }
    const cursor: FollowCursor = { v: 1, dev: file.dev, ino: file.ino, offset, headSha256: headHash(file.head, offset) };
    await publisher.flush({ source: name, value: JSON.stringify(cursor) }, { source: name, ...changes });
    committedOffset = offset;
  }

  const add = (items: readonly ReadItem[]): void => {
    for (const item of items) for (const ready of pairer!.accept(item)) publisher.add(ready);
  };

  async function readAvailable(file: OpenFile): Promise<void> {
    const chunk = Buffer.alloc(config.readChunkBytes);
    const before = file.lines.consumedOffset;
    for (;;) {
      const { bytesRead } = await file.handle.read(chunk, 0, chunk.length, readPosition(file));
      if (bytesRead === 0) break;
      for (const line of file.lines.push(chunk.subarray(0, bytesRead))) {
        const item = parseJsonLine(line.bytes, `${file.path}@${file.ino}:${line.offset}`, config.prefix);
        if (item !== undefined) add([item]);
        if (publisher.pending >= config.maxBatchLines) await flush(file, line.offset + line.bytes.length + 1);
      }
    }
    if (publisher.pending > 0 || file.lines.consumedOffset !== before) await flush(file);
  }

  /** A line the writer never finished (cut by rotation or truncation) goes to dead-letter, never silently away. */
  function abandonRemainder(file: OpenFile, why: string): void {
    const rest = file.lines.remainder;
    if (rest.length === 0) return;
    const position = `${file.path}@${file.ino}:${file.lines.consumedOffset}`;
    publisher.add({ ok: false, error: new KeytrailError('INGEST_VAULT_LINE_TRUNCATED', `${position}: unfinished line ${why}`, { details: { position } }), raw: rest, position });
  }

  /** Truncated (copytruncate) or rewritten in place: smaller than what was read, or other first bytes. */
  async function isRewritten(file: OpenFile): Promise<boolean> {
    const size = (await file.handle.stat()).size;
    if (size < readPosition(file)) return true;
    const head = Buffer.alloc(file.head.length);
    const { bytesRead } = await file.handle.read(head, 0, head.length, 0);
    return bytesRead < head.length || !head.equals(file.head);
  }

  /** The file now at the followed path, when it is no longer the one being read (rename rotation). */
  async function rotatedFile(file: OpenFile): Promise<boolean> {
    const info = await stat(config.path).catch(() => undefined);
    return info !== undefined && (info.dev !== file.dev || info.ino !== file.ino);
  }

  async function switchTo(file: OpenFile, why: string): Promise<OpenFile> {
    abandonRemainder(file, why);
    await file.handle.close();
    const next = await openFile(config.path, 0);
    await flush(next);
    return next;
  }

  async function pollOnce(): Promise<void> {
    pairer ??= createVaultPairer({ clock: deps.clock, timeoutMs: config.pairTimeoutMs, maxParked: config.maxParked, restored: deps.state.pending(name) });
    current ??= await resume();
    // Bounded: each round either finds nothing changed or moves to a newer file.
    for (let round = 0; current !== undefined && round < 8; round += 1) {
      // Checked before reading: reading a rewritten file at the old offset would start mid-line.
      if (await isRewritten(current)) {
        status.truncations += 1;
        current = await switchTo(current, 'before the file was truncated');
      }
      await readAvailable(current);
      if (!(await rotatedFile(current))) break;
      await readAvailable(current); // the writer may have appended before it reopened the new file
      current = await switchTo(current, 'at the end of a rotated file');
    }
    const expired = pairer.expire();
    if (expired.length > 0) {
      for (const item of expired) publisher.add(item);
      await flush(current);
    }
  }

  async function reset(): Promise<void> {
    await current?.handle.close().catch(() => undefined);
    current = undefined;
    pairer = undefined;
    publisher = createBatchPublisher(vaultAuditSource, config.path, deps, counts);
  }

  return {
    pollOnce: async () => {
      try {
        await pollOnce();
      } catch (error) {
        // Whatever was read but not committed is read again from the stored cursor and parked records.
        await reset();
        throw toKeytrailError(error, 'INGEST_SOURCE_UNREADABLE', `following ${config.path}`);
      }
    },
    async run({ signal }) {
      let failures = 0;
      while (!signal.aborted) {
        try {
          await this.pollOnce();
          failures = 0;
        } catch (error) {
          if (!(error instanceof KeytrailError)) throw error;
          failures += 1;
          const delayMs = retryDelayMs(config.retry, error, failures);
          if (delayMs === undefined) throw error;
          deps.onRetry?.({ source: name, error, failures, delayMs });
          await wait(delayMs, signal);
          continue;
        }
        await wait(config.pollIntervalMs, signal);
      }
      await reset();
    },
    counts,
    status: () => ({ file: current?.path, offset: committedOffset, parked: pairer?.parked ?? 0, ...status }),
    close: reset,
  };
}
