import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { KeytrailError, toKeytrailError } from '../../core/errors.ts';
import { sha256 } from '../../core/hash.ts';
import { createBatchPublisher, emptyCounts, type IngestCounts, type IngestDeps } from '../publisher.ts';
import { readSecret } from '../secret.ts';
import { createSerialQueue } from '../serial-queue.ts';
import { splitAppEventBody, type BodyItem } from './body.ts';
import { AppHttpIntakeConfig } from './config.ts';
import { acceptedResponse, rejectedResponse, type IntakeResponse } from './intake-response.ts';
import { appEventSource } from './source.ts';

export const APP_EVENTS_PATH = '/v1/app-events';

export interface AppHttpIntake {
  listen(): Promise<{ host: string; port: number }>;
  close(): Promise<void>;
  readonly counts: IngestCounts;
}

/**
 * `POST /v1/app-events`: a body is accepted whole or not at all. When every item is a valid app event, all
 * are published and the 200 answer is sent only once the bus acknowledged them. When any item is bad,
 * nothing is published: the bad items go to dead-letter (so an operator sees what applications send wrong)
 * and the 400 answer lists each with its problems; the client fixes them and sends the body again (events
 * already published are recognised by eventId and reported as duplicates, never published twice).
 */
export function createAppHttpIntake(input: AppHttpIntakeConfig, deps: IngestDeps & { env?: NodeJS.ProcessEnv }): AppHttpIntake {
  const config = AppHttpIntakeConfig.parse(input);
  const expected = sha256(readSecret(config.token, deps.env));
  const counts = emptyCounts();
  const serial = createSerialQueue();
  const label = `http:${APP_EVENTS_PATH}`;
  let server: Server | undefined;
  let closed: Promise<void> | undefined;

  const authorised = (request: IncomingMessage): boolean => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    // Hashes have equal lengths, so the comparison takes the same time whatever the token sent.
    return match !== null && timingSafeEqual(sha256(match[1]!), expected);
  };

  async function ingest(body: Buffer): Promise<IntakeResponse> {
    const items = splitAppEventBody(body, label);
    if (items.length === 0) return { status: 400, body: { status: 'rejected', code: 'INGEST_APP_BODY_INVALID', message: 'the body holds no app event', lines: [] } };
    const invalid = items.filter((entry) => validationError(entry) !== undefined);
    const publisher = createBatchPublisher(appEventSource, label, deps, counts);
    if (invalid.length > 0) {
      const outcomes = invalid.map((entry) => ({ ref: entry.ref, outcome: publisher.add(entry.item) }));
      await publisher.flush();
      return rejectedResponse(items, outcomes);
    }
    const added = items.map((entry) => ({ ref: entry.ref, outcome: publisher.add(entry.item) }));
    const flushed = await publisher.flush();
    return acceptedResponse(added, flushed);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://intake');
    if (url.pathname !== APP_EVENTS_PATH) return send(response, { status: 404, body: { status: 'rejected', message: `no such endpoint; POST ${APP_EVENTS_PATH}` } });
    if (request.method !== 'POST') return send(response, { status: 405, body: { status: 'rejected', message: 'use POST' }, headers: { allow: 'POST' } });
    if (!authorised(request)) {
      return send(response, { status: 401, body: { status: 'rejected', code: 'INGEST_APP_UNAUTHORIZED', message: 'a valid bearer token is required' }, headers: { 'www-authenticate': 'Bearer realm="keytrail"' } });
    }
    const body = await readBody(request, config.maxBodyBytes);
    if (body === 'too-large') {
      const tooLarge = { status: 'rejected', code: 'INGEST_APP_BODY_TOO_LARGE', message: `the body exceeds ${config.maxBodyBytes} bytes; nothing was accepted`, maxBodyBytes: config.maxBodyBytes };
      return send(response, { status: 413, body: tooLarge, headers: { connection: 'close' } }, () => request.destroy());
    }
    try {
      send(response, await serial(() => ingest(body)));
    } catch (error) {
      const coded = toKeytrailError(error, 'INGEST_SOURCE_UNREADABLE', 'publishing app events');
      // Nothing was acknowledged: the client may send the same body again.
      send(response, { status: 503, body: { status: 'rejected', code: coded.code, retriable: coded.retriable, message: coded.message }, headers: { 'retry-after': '1' } });
    }
  }

  return {
    async listen() {
      server = createServer((request, response) => void handle(request, response));
      await new Promise<void>((resolve, reject) => {
        server!.once('error', (error) => reject(new KeytrailError('INGEST_LISTENER_FAILED', `cannot listen on ${config.host}:${config.port}: ${error.message}`, { cause: error })));
        server!.listen(config.port, config.host, resolve);
      });
      const address = server.address();
      return { host: config.host, port: typeof address === 'object' && address !== null ? address.port : config.port };
    },
    close() {
      closed ??= (async () => {
        if (server === undefined || !server.listening) return;
        await serial(async () => undefined);
        await new Promise<void>((resolve) => {
          server!.close(() => resolve());
          server!.closeAllConnections();
        });
      })();
      return closed;
    },
    counts,
  };
}

function validationError(entry: BodyItem): KeytrailError | undefined {
  if (!entry.item.ok) return entry.item.error;
  try {
    appEventSource.normalise(entry.item.value, { source: 'validation', ingestTime: new Date(0) });
    return undefined;
  } catch (error) {
    return toKeytrailError(error, 'INGEST_NORMALISER_FAILED', 'validating an app event');
  }
}

/** The body, or 'too-large' as soon as it passes the limit (by Content-Length, or while it streams in). */
function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        request.off('data', onData);
        request.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, reply: IntakeResponse, after?: () => void): void {
  const text = `${JSON.stringify(reply.body)}\n`;
  response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...reply.headers });
  response.end(text, after);
}
