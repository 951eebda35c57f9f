import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus } from '../src/core/ports.ts';
import { createVaultSocketListener, type VaultSocketListener } from '../src/ingest/vault/socket.ts';
import { loadVaultEntries, readLines, VAULT_FILES } from './helpers/fixtures.ts';
import { createTestClock, openIngestEnv, readDeadLetters, readKmsEvents, type IngestEnv } from './helpers/ingest-env.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const lines = readLines(VAULT_FILES.hmac).map((line) => `${line}\n`);
const entries = loadVaultEntries(VAULT_FILES.hmac);
const transitIds = new Set(entries.filter((entry) => entry.request.mount_type === 'transit').map((entry) => entry.request.id));

/** Writes bytes the way a socket device might: in pieces that cut lines anywhere. */
async function send(port: number, text: string, pieceBytes = 97): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const bytes = Buffer.from(text);
  for (let offset = 0; offset < bytes.length; offset += pieceBytes) socket.write(bytes.subarray(offset, offset + pieceBytes));
  return socket;
}

describe('Vault socket audit device listener', () => {
  const opened: { env: IngestEnv; listener: VaultSocketListener }[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const { env, listener } of opened.splice(0)) {
      await listener.close();
      await env.close();
    }
  });

  async function start(directory: string, options: { bus?: (bus: Bus) => Bus; clock?: ReturnType<typeof createTestClock>; prefix?: string } = {}) {
    const env = openIngestEnv(directory, options.clock);
    const listener = createVaultSocketListener(
      { host: '127.0.0.1', port: 0, pairTimeoutMs: 30_000, prefix: options.prefix },
      { ...env, bus: options.bus?.(env.bus) ?? env.bus, cursorName: 'vault-socket:test' },
    );
    opened.push({ env, listener });
    const { port } = await listener.listen();
    return { env, listener, port };
  }

  it('publishes one event per transit request from lines cut anywhere, and filters other mounts', async () => {
    const { env, listener, port } = await start(tempDir());
    sockets.push(await send(port, lines.join('')));
    const total = lines.length;
    await expect.poll(() => listener.counts.read, { timeout: 10_000, interval: 5 }).toBe(total - 1);
    // The request without a response stays parked until it expires.
    expect(listener.status().parked).toBe(1);
    const events = await readKmsEvents(env);
    expect(events.length).toBe(transitIds.size - 1);
    expect(events.every((event) => event.outcome !== 'unknown')).toBe(true);
    expect(listener.counts).toMatchObject({ deadLettered: 0, duplicates: 0 });
  });

  it('reads nothing more while the bus has not acknowledged the last batch, so Vault blocks instead of losing entries', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const blocked = new Promise<void>((resolve) => (entered = resolve));
    let calls = 0;
    const stalled = (bus: Bus): Bus => ({
      ...bus,
      publish: async (topic, messages) => {
        if (messages.length > 0 && calls++ === 0) {
          entered();
          await gate;
        }
        return bus.publish(topic, messages);
      },
    });
    const { env, listener, port } = await start(tempDir(), { bus: stalled });
    const [request, response] = [lines.find((line) => line.includes('req-7c21-encrypt') && line.includes('"type":"request"'))!, lines.find((line) => line.includes('req-7c21-encrypt') && line.includes('"type":"response"'))!];
    const socket = await send(port, request + response, 1 << 20);
    sockets.push(socket);
    await blocked;
    const handled = listener.status().bytesHandled;
    const rest = lines.filter((line) => !line.includes('req-7c21-encrypt')).join('');
    socket.write(rest);
    await new Promise<void>((resolve) => socket.write('', () => resolve()));
    expect(listener.status().bytesHandled).toBe(handled);
    expect(await readKmsEvents(env)).toEqual([]);
    release();
    await expect.poll(() => listener.counts.read, { timeout: 10_000, interval: 5 }).toBe(lines.length - 1);
    expect((await readKmsEvents(env)).length).toBe(transitIds.size - 1);
  });

  it('keeps a parked request across a restart and pairs it with a response sent on a new connection', async () => {
    const directory = tempDir();
    const [request, response] = [lines.find((line) => line.includes('req-7c22-decrypt') && line.includes('"type":"request"'))!, lines.find((line) => line.includes('req-7c22-decrypt') && line.includes('"type":"response"'))!];
    const first = await start(directory);
    const socket = await send(first.port, request);
    await expect.poll(() => first.listener.status().parked, { timeout: 10_000, interval: 5 }).toBe(1);
    socket.destroy();
    await first.listener.close();
    await first.env.close();
    opened.length = 0;
    const second = await start(directory);
    expect(second.listener.status().parked).toBe(1);
    sockets.push(await send(second.port, response));
    await expect.poll(() => second.listener.counts.published, { timeout: 10_000, interval: 5 }).toBe(1);
    const [event] = await readKmsEvents(second.env);
    expect(event).toMatchObject({ joinKeys: { correlationId: 'req-7c22-decrypt' }, outcome: 'success', attributes: { entryType: 'response' } });
    expect(second.listener.counts).toMatchObject({ read: 2, merged: 1 });
  });

  it('dead-letters a line that is not JSON and the unfinished line of a connection that closed', async () => {
    const { env, listener, port } = await start(tempDir());
    const socket = await send(port, `not json at all\n${lines[0]!.slice(0, 30)}`);
    socket.end();
    await expect.poll(() => listener.counts.deadLettered, { timeout: 10_000, interval: 5 }).toBe(2);
    const letters = await readDeadLetters(env);
    expect(letters.map((letter) => letter.code).sort()).toEqual(['INGEST_LINE_NOT_JSON', 'INGEST_VAULT_LINE_TRUNCATED']);
    expect(letters.find((letter) => letter.code === 'INGEST_VAULT_LINE_TRUNCATED')!.rawBase64).toBe(Buffer.from(lines[0]!.slice(0, 30)).toString('base64'));
  });

  it('publishes a request alone once it waited pairTimeoutMs', async () => {
    const clock = createTestClock();
    const { env, listener, port } = await start(tempDir(), { clock });
    sockets.push(await send(port, lines.find((line) => line.includes('req-7c40-lost'))!));
    await expect.poll(() => listener.status().parked, { timeout: 10_000, interval: 5 }).toBe(1);
    clock.advance(30_000);
    await listener.expire();
    const [event] = await readKmsEvents(env);
    expect(event).toMatchObject({ outcome: 'unknown', joinKeys: { correlationId: 'req-7c40-lost' } });
  });

  it('strips the device prefix from every line', async () => {
    const { env, listener, port } = await start(tempDir(), { prefix: 'vault-audit: ' });
    const pair = lines.filter((line) => line.includes('req-7c23-rewrap'));
    sockets.push(await send(port, pair.map((line) => `vault-audit: ${line}`).join('')));
    await expect.poll(() => listener.counts.published, { timeout: 10_000, interval: 5 }).toBe(1);
    expect((await readKmsEvents(env))[0]!.operation).toBe('re-encrypt');
  });

  it('reports an address in use with INGEST_LISTENER_FAILED', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const env = openIngestEnv(tempDir());
    const listener = createVaultSocketListener({ host: '127.0.0.1', port }, env);
    await expect(listener.listen()).rejects.toMatchObject({ code: 'INGEST_LISTENER_FAILED' });
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await env.close();
  });
});
