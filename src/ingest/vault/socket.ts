import { createServer, type Server, type Socket } from 'node:net';
import { KeytrailError, toKeytrailError } from '../../core/errors.ts';
import { createLineBuffer, parseJsonLine } from '../line-buffer.ts';
import { createBatchPublisher, emptyCounts, type IngestCounts, type IngestDeps } from '../publisher.ts';
import { realWait, type Wait } from '../rate-limiter.ts';
import { createSerialQueue } from '../serial-queue.ts';
import { VaultSocketConfig } from './config.ts';
import { createVaultPairer } from './pairing.ts';
import { vaultAuditSource } from './source.ts';

export interface VaultSocketListener {
  listen(): Promise<{ host: string; port: number }>;
  /** Publishes request entries parked longer than pairTimeoutMs (run() calls it on a timer). */
  expire(): Promise<void>;
  /** Listens and expires parked requests until the signal aborts, then closes. */
  run(options: { signal: AbortSignal }): Promise<void>;
  close(): Promise<void>;
  readonly counts: IngestCounts;
  /** Bytes received and handed on so far; bytes still in the kernel or a paused socket are not counted. */
  status(): { connections: number; bytesHandled: number; parked: number };
}

/**
 * A TCP listener for Vault's socket audit device. A chunk is read, its complete lines are normalised and
 * published, and only once the bus acknowledged them (and parked request entries are stored) is the next
 * chunk read: the socket stays paused meanwhile, so when keytrail cannot write, Vault's writes block, as
 * Vault intends for an audit device that cannot log. Bus failures are retried while the socket waits.
 */
export function createVaultSocketListener(input: VaultSocketConfig, deps: IngestDeps & { wait?: Wait; cursorName?: string }): VaultSocketListener {
  const config = VaultSocketConfig.parse(input);
  const name = deps.cursorName ?? `vault-socket:${config.host}:${config.port}`;
  const wait = deps.wait ?? realWait;
  const counts = emptyCounts();
  const serial = createSerialQueue();
  const pairer = createVaultPairer({ clock: deps.clock, timeoutMs: config.pairTimeoutMs, maxParked: config.maxParked, restored: deps.state.pending(name) });
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let bytesHandled = 0;
  let connectionCount = 0;
  let closing = false;
  let closed: Promise<void> | undefined;

  /** Publishes what is pending, retrying retriable failures: the socket stays paused, so nothing is read meanwhile. */
  async function flushDurably(label: string, publisher: ReturnType<typeof createBatchPublisher>): Promise<void> {
    const changes = { source: name, ...pairer.takeChanges() };
    for (let attempt = 0; ; attempt += 1) {
      try {
        await publisher.flush(undefined, changes);
        return;
      } catch (error) {
        const coded = toKeytrailError(error, 'INGEST_SOURCE_UNREADABLE', `publishing entries from ${label}`);
        if (!coded.retriable || closing) throw coded;
        await wait(Math.min(30_000, 100 * 2 ** Math.min(attempt, 9)));
      }
    }
  }

  function accept(socket: Socket): void {
    connectionCount += 1;
    const label = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}#${connectionCount}`;
    const publisher = createBatchPublisher(vaultAuditSource, `${name} ${label}`, deps, counts);
    const lines = createLineBuffer();
    sockets.add(socket);
    const handle = async (chunk: Buffer | undefined): Promise<void> => {
      for (const line of chunk === undefined ? [] : lines.push(chunk)) {
        const item = parseJsonLine(line.bytes, `${label}@${line.offset}`, config.prefix);
        if (item !== undefined) for (const ready of pairer.accept(item)) publisher.add(ready);
        if (publisher.pending >= config.maxBatchLines) await flushDurably(label, publisher);
      }
      const rest = lines.remainder;
      if (rest.length > 0 && (chunk === undefined || rest.length > config.maxLineBytes)) {
        const position = `${label}@${lines.consumedOffset}`;
        const why = chunk === undefined ? 'the connection closed in the middle of a line' : `a line is longer than maxLineBytes (${config.maxLineBytes})`;
        publisher.add({ ok: false, error: new KeytrailError('INGEST_VAULT_LINE_TRUNCATED', `${position}: ${why}`, { details: { position } }), raw: rest, position });
        lines.discardRemainder();
      }
      await flushDurably(label, publisher);
      bytesHandled += chunk?.length ?? 0;
    };
    socket.on('data', (chunk: Buffer) => {
      socket.pause();
      serial(() => handle(chunk)).then(
        () => socket.resume(),
        (error: unknown) => socket.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    });
    socket.on('end', () => {
      void serial(() => handle(undefined)).finally(() => socket.end());
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  }

  return {
    async listen() {
      server = createServer(accept);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', (error) => reject(new KeytrailError('INGEST_LISTENER_FAILED', `cannot listen on ${config.host}:${config.port}: ${error.message}`, { cause: error })));
        server!.listen(config.port, config.host, resolve);
      });
      const address = server.address();
      return { host: config.host, port: typeof address === 'object' && address !== null ? address.port : config.port };
    },
    expire: () =>
      serial(async () => {
        const publisher = createBatchPublisher(vaultAuditSource, `${name} expired`, deps, counts);
        for (const item of pairer.expire()) publisher.add(item);
        await flushDurably('expired requests', publisher);
      }),
    async run({ signal }) {
      if (server === undefined) await this.listen();
      while (!signal.aborted) {
        await wait(Math.min(1_000, config.pairTimeoutMs), signal);
        await this.expire();
      }
      await this.close();
    },
    close() {
      // Idempotent: run() closes on abort, and its owner may close too.
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => (server === undefined || !server.listening ? resolve() : server.close(() => resolve())));
        await serial(async () => undefined);
        for (const socket of sockets) socket.destroy();
        await stopped;
      })();
      return closed;
    },
    counts,
    status: () => ({ connections: sockets.size, bytesHandled, parked: pairer.parked }),
  };
}
