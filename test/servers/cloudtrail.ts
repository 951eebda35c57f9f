import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local CloudTrail endpoint for LookupEvents, speaking the AWS JSON 1.1 protocol the SDK uses
 * (CloudTrail API Reference, LookupEvents and Event; Smithy awsJson1_1): POST / with
 * `X-Amz-Target: CloudTrail_20131101.LookupEvents` (the SDK sends the short form; the model's fully
 * qualified `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101` prefix is accepted too), timestamps
 * as epoch seconds, errors as `{"__type", "message"}`. Events are returned newest first; StartTime and
 * EndTime are inclusive; a NextToken is valid only with the parameters of the call that returned it.
 */

export interface StoredEvent {
  record: Record<string, unknown> & { eventID: string; eventTime: string; eventName: string; eventSource: string };
  /** The exact CloudTrailEvent string served (defaults to JSON.stringify(record)). */
  text?: string;
}

export interface LookupRequestLog {
  startTime: number | undefined;
  endTime: number | undefined;
  nextToken: string | undefined;
  maxResults: number | undefined;
  authorization: string | undefined;
  status: number;
}

type Failure = { status: number; type: string; message: string };
export type FailureKind = 'throttle' | 'server-error' | 'invalid-token' | 'access-denied';

export interface CloudTrailServer {
  endpoint: string;
  requests: LookupRequestLog[];
  /** Makes events visible to LookupEvents, as CloudTrail does once it has delivered them. */
  deliver(events: readonly StoredEvent[]): void;
  /** The next `count` requests fail this way before any is served. */
  failNext(failure: FailureKind, count?: number): void;
  /** The request with this 1-based number (counting every request) fails this way. */
  failRequest(number: number, failure: FailureKind): void;
  /** The next request is answered with this status and body as they are (a recorded response). */
  replayNext(status: number, body: string): void;
  close(): Promise<void>;
}

const TARGET = 'CloudTrail_20131101.LookupEvents';
const FAILURES: Record<string, Failure> = {
  throttle: { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' },
  'server-error': { status: 500, type: 'InternalFailure', message: 'We encountered an internal error. Please try again.' },
  'invalid-token': { status: 400, type: 'InvalidNextTokenException', message: 'Invalid NextToken' },
  'access-denied': { status: 400, type: 'AccessDeniedException', message: 'User is not authorized to perform: cloudtrail:LookupEvents' },
};

export async function startCloudTrailServer(): Promise<CloudTrailServer> {
  const events: StoredEvent[] = [];
  const requests: LookupRequestLog[] = [];
  const failures: Failure[] = [];
  const failuresAt = new Map<number, Failure>();
  const replays: { status: number; body: string }[] = [];

  function handle(request: IncomingMessage, body: string, response: ServerResponse): void {
    const target = request.headers['x-amz-target'];
    const log = (status: number, input: Record<string, unknown> = {}): void => {
      requests.push({
        startTime: input.StartTime as number | undefined,
        endTime: input.EndTime as number | undefined,
        nextToken: input.NextToken as string | undefined,
        maxResults: input.MaxResults as number | undefined,
        authorization: request.headers.authorization,
        status,
      });
    };
    if (request.method !== 'POST' || typeof target !== 'string' || !(target === TARGET || target.endsWith(`.${TARGET}`))) {
      log(400);
      return sendError(response, { status: 400, type: 'UnknownOperationException', message: `unsupported target ${String(target)}` });
    }
    const input = JSON.parse(body) as Record<string, unknown>;
    const replay = replays.shift();
    if (replay !== undefined) {
      log(replay.status, input);
      const type = replay.status === 200 ? {} : { 'x-amzn-errortype': (JSON.parse(replay.body) as { __type: string }).__type };
      response.writeHead(replay.status, { 'content-type': 'application/x-amz-json-1.1', ...type });
      response.end(replay.body);
      return;
    }
    const failure = failuresAt.get(requests.length + 1) ?? failures.shift();
    if (failure !== undefined) {
      log(failure.status, input);
      return sendError(response, failure);
    }
    const page = lookUp(events, input);
    if ('error' in page) {
      log(page.error.status, input);
      return sendError(response, page.error);
    }
    log(200, input);
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': createHash('sha256').update(body).digest('hex').slice(0, 32) });
    response.end(JSON.stringify(page.result));
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, Buffer.concat(chunks).toString('utf8'), response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    deliver: (delivered) => events.push(...delivered),
    failNext: (kind, count = 1) => {
      for (let index = 0; index < count; index += 1) failures.push(FAILURES[kind]!);
    },
    replayNext: (status, body) => {
      replays.push({ status, body });
    },
    failRequest: (number, kind) => {
      failuresAt.set(number, FAILURES[kind]!);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

interface PagePosition {
  timeMs: number;
  eventId: string;
  params: string;
}

function lookUp(events: readonly StoredEvent[], input: Record<string, unknown>): { result: Record<string, unknown> } | { error: Failure } {
  const attributes = (input.LookupAttributes as { AttributeKey: string; AttributeValue: string }[] | undefined) ?? [];
  if (attributes.length > 1) return { error: { status: 400, type: 'InvalidLookupAttributesException', message: 'only one lookup attribute is allowed' } };
  const maxResults = (input.MaxResults as number | undefined) ?? 50;
  if (maxResults < 1 || maxResults > 50) return { error: { status: 400, type: 'InvalidMaxResultsException', message: 'MaxResults must be 1..50' } };
  const startMs = input.StartTime === undefined ? Number.NEGATIVE_INFINITY : (input.StartTime as number) * 1000;
  const endMs = input.EndTime === undefined ? Number.POSITIVE_INFINITY : (input.EndTime as number) * 1000;
  const params = JSON.stringify([attributes, input.StartTime, input.EndTime, maxResults]);
  let after: PagePosition | undefined;
  if (typeof input.NextToken === 'string') {
    after = decodeToken(input.NextToken);
    if (after === undefined || after.params !== params) return { error: FAILURES['invalid-token']! };
  }
  const matching = events
    .filter((event) => attributes.every((attribute) => attribute.AttributeKey !== 'EventSource' || event.record.eventSource === attribute.AttributeValue))
    .map((event) => ({ event, timeMs: Date.parse(event.record.eventTime) }))
    .filter(({ timeMs }) => timeMs >= startMs && timeMs <= endMs)
    .sort((a, b) => b.timeMs - a.timeMs || b.event.record.eventID.localeCompare(a.event.record.eventID))
    .filter(({ event, timeMs }) => after === undefined || timeMs < after.timeMs || (timeMs === after.timeMs && event.record.eventID.localeCompare(after.eventId) < 0));
  const page = matching.slice(0, maxResults);
  const last = page.at(-1);
  const result: Record<string, unknown> = { Events: page.map(({ event, timeMs }) => toApiEvent(event, timeMs)) };
  if (matching.length > page.length && last !== undefined) result.NextToken = encodeToken({ timeMs: last.timeMs, eventId: last.event.record.eventID, params });
  return { result };
}

/** The Event shape of the API reference: a summary plus the whole record as the CloudTrailEvent string. */
function toApiEvent(event: StoredEvent, timeMs: number): Record<string, unknown> {
  const record = event.record as Record<string, unknown> & { userIdentity?: { userName?: string; arn?: string; accessKeyId?: string } };
  const resources = (record.resources as { ARN?: string; type?: string }[] | null | undefined) ?? [];
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: String(record.readOnly ?? false),
    AccessKeyId: record.userIdentity?.accessKeyId,
    EventTime: timeMs / 1000,
    EventSource: record.eventSource,
    Username: record.userIdentity?.userName ?? record.userIdentity?.arn?.split('/').at(-1),
    Resources: resources.map((resource) => ({ ResourceType: resource.type, ResourceName: resource.ARN })),
    CloudTrailEvent: event.text ?? JSON.stringify(record),
  };
}

function encodeToken(position: PagePosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

function decodeToken(token: string): PagePosition | undefined {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PagePosition;
  } catch {
    return undefined;
  }
}

function sendError(response: ServerResponse, failure: Failure): void {
  response.writeHead(failure.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': failure.type });
  response.end(JSON.stringify({ __type: failure.type, message: failure.message }));
}
