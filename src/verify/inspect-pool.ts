import { Worker } from 'node:worker_threads';
import type { EntryInspection } from './entry-inspect.ts';

export interface InspectPool {
  /** Inspects a batch of entries on a worker; results come back in the batch's order. */
  inspect(entries: readonly Buffer[]): Promise<EntryInspection[]>;
  close(): Promise<void>;
}

/** Worker threads running inspectEntryBytes; batches go round-robin, bytes are transferred, not copied twice. */
export function createInspectPool(size: number): InspectPool {
  const workers = Array.from({ length: size }, () => new Worker(new URL('./inspect-worker.ts', import.meta.url)));
  const pending = new Map<number, { resolve: (results: EntryInspection[]) => void; reject: (error: unknown) => void }>();
  let nextId = 0;
  for (const worker of workers) {
    worker.on('message', ({ id, results }: { id: number; results: EntryInspection[] }) => {
      pending.get(id)?.resolve(results);
      pending.delete(id);
    });
    worker.on('error', (error) => {
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    });
  }
  return {
    inspect(entries) {
      const id = nextId;
      nextId += 1;
      const offsets = new Uint32Array(entries.length + 1);
      entries.forEach((entry, index) => (offsets[index + 1] = offsets[index]! + entry.length));
      const buffer = new ArrayBuffer(offsets[entries.length]!);
      const view = new Uint8Array(buffer);
      entries.forEach((entry, index) => view.set(entry, offsets[index]));
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        workers[id % workers.length]!.postMessage({ id, buffer, offsets }, [buffer, offsets.buffer]);
      });
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
