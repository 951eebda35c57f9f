// A worker thread of the verifier: inspects batches of entry bytes (JSON, RFC 8785, v1 shape) so the
// main thread only hashes and walks. See inspect-pool.ts.
import { parentPort } from 'node:worker_threads';
import { inspectEntryBytes } from './entry-inspect.ts';

parentPort!.on('message', ({ id, buffer, offsets }: { id: number; buffer: ArrayBuffer; offsets: Uint32Array }) => {
  const results = [];
  for (let index = 0; index + 1 < offsets.length; index += 1) results.push(inspectEntryBytes(new Uint8Array(buffer, offsets[index]!, offsets[index + 1]! - offsets[index]!)));
  parentPort!.postMessage({ id, results });
});
