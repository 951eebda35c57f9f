import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { Server, ServerCredentials, status, type ServiceError, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { createLogEntryRoot } from '../../src/ingest/gcp/descriptor.ts';
import { toNanosecondKey, toUtcTime } from '../../src/ingest/utc-time.ts';
import { compileFilter } from './logging-filter.ts';
import { toProtoObject, type AnyEncoder } from './proto3-json-parse.ts';

type Json = Record<string, unknown>;

/** The request as the client sent it (decoded with the client's own protos). */
export interface ListRequest {
  resourceNames: string[];
  filter: string;
  orderBy: string;
  pageSize: number;
  pageToken: string;
}

export interface LocalLoggingServer {
  port: number;
  readonly requests: ListRequest[];
  /** Entries in proto3 JSON form (as exported); they become visible to the next request. */
  addEntries(entries: readonly Json[]): void;
  /** Request number `at` (1-based, counting every request so far and to come) fails with this gRPC status. */
  failRequest(at: number, code: status, message: string): void;
  /** The AuditLog bytes of this entry are sent corrupt (a truncated field). */
  corruptPayloadOf(insertId: string): void;
  /** The next `count` requests that start a query (no page token) answer an empty page with a token. */
  emptyPagesNext(count: number): void;
  /** Every page token issued so far is refused from now on, as the API does after 24 hours. */
  expireIssuedTokens(): void;
  close(): Promise<void>;
}

/**
 * A Cloud Logging API on 127.0.0.1:0 that speaks `google.logging.v2.LoggingServiceV2/ListLogEntries`
 * over gRPC, encoding responses with the protos `@google-cloud/logging` itself ships, and protoPayloads
 * as google.cloud.audit.AuditLog bytes inside an Any, as the real service sends them. It filters with
 * the Logging query language subset keytrail emits, orders by timestamp then insertId, and pages with
 * opaque tokens bound to the query they were issued for.
 */
export async function startLocalLoggingServer(): Promise<LocalLoggingServer> {
  const clientRoot = protobuf.Root.fromJSON(loadClientProtos());
  const requestType = clientRoot.lookupType('google.logging.v2.ListLogEntriesRequest');
  const responseType = clientRoot.lookupType('google.logging.v2.ListLogEntriesResponse');
  const logEntryType = clientRoot.lookupType('google.logging.v2.LogEntry');
  const auditRoot = createLogEntryRoot();
  const encodeAny: AnyEncoder = (json) => {
    const { '@type': typeUrl, ...fields } = json;
    const type = auditRoot.lookupType(String(typeUrl).slice(String(typeUrl).lastIndexOf('/') + 1));
    return { type_url: String(typeUrl), value: Buffer.from(type.encode(type.fromObject(toProtoObject(type, fields, encodeAny))).finish()) };
  };

  const entries: Json[] = [];
  const requests: ListRequest[] = [];
  const failures = new Map<number, { code: status; message: string }>();
  const corrupt = new Set<string>();
  let emptyPages = 0;
  let tokenGeneration = 0;

  const handle = (call: ServerUnaryCall<ListRequest, Json>, callback: sendUnaryData<Json>): void => {
    const request = call.request;
    requests.push(request);
    const failure = failures.get(requests.length);
    if (failure !== undefined) return callback(serviceError(failure.code, failure.message));
    let predicate;
    try {
      predicate = compileFilter(request.filter);
    } catch (error) {
      return callback(serviceError(status.INVALID_ARGUMENT, (error as Error).message));
    }
    const queryKey = createHash('sha256').update(JSON.stringify([request.resourceNames, request.filter, request.orderBy, request.pageSize])).digest('hex');
    let offset = 0;
    if (request.pageToken !== '') {
      const token = JSON.parse(Buffer.from(request.pageToken, 'base64url').toString('utf8')) as { key: string; offset: number; generation: number };
      if (token.key !== queryKey) return callback(serviceError(status.INVALID_ARGUMENT, 'page token does not match the request'));
      if (token.generation < tokenGeneration) return callback(serviceError(status.INVALID_ARGUMENT, 'page token has expired'));
      offset = token.offset;
    }
    const issue = (at: number): string => Buffer.from(JSON.stringify({ key: queryKey, offset: at, generation: tokenGeneration })).toString('base64url');
    if (request.pageToken === '' && emptyPages > 0) {
      emptyPages -= 1;
      return callback(null, { entries: [], nextPageToken: issue(0) });
    }
    const matched = entries.filter((entry) => inResources(entry, request.resourceNames) && predicate(entry)).sort(order(request.orderBy));
    const pageSize = request.pageSize > 0 ? request.pageSize : 50;
    const page = matched.slice(offset, offset + pageSize);
    const more = offset + pageSize < matched.length;
    const encoded = page.map((entry) => {
      const object = toProtoObject(logEntryType, entry, encodeAny);
      // A length-delimited field (tag 8, methodName) that claims more bytes than follow.
      if (corrupt.has(String(entry.insertId))) object.protoPayload = { ...(object.protoPayload as Json), value: Buffer.from([0x42, 0x7f, 0x44]) };
      return object;
    });
    callback(null, { entries: encoded, nextPageToken: more ? issue(offset + pageSize) : '' });
  };

  const server = new Server();
  server.addService(
    {
      ListLogEntries: {
        path: '/google.logging.v2.LoggingServiceV2/ListLogEntries',
        requestStream: false,
        responseStream: false,
        requestSerialize: (message: Json) => Buffer.from(requestType.encode(requestType.fromObject(message)).finish()),
        requestDeserialize: (bytes: Buffer) => requestType.toObject(requestType.decode(bytes), { defaults: true, arrays: true }) as ListRequest,
        responseSerialize: (message: Json) => Buffer.from(responseType.encode(responseType.fromObject(message)).finish()),
        responseDeserialize: (bytes: Buffer) => responseType.toObject(responseType.decode(bytes)),
      },
    },
    { ListLogEntries: handle },
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error)));
  });

  return {
    port,
    requests,
    addEntries: (added) => void entries.push(...added),
    failRequest: (at, code, message) => void failures.set(at, { code, message }),
    corruptPayloadOf: (insertId) => void corrupt.add(insertId),
    emptyPagesNext: (count) => {
      emptyPages += count;
    },
    expireIssuedTokens: () => {
      tokenGeneration += 1;
    },
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

function loadClientProtos(): protobuf.INamespace {
  const require = createRequire(import.meta.url);
  const fromClient = createRequire(require.resolve('@google-cloud/logging'));
  return fromClient('@google-cloud/logging-api/build/protos/protos.json') as protobuf.INamespace;
}

function inResources(entry: Json, resourceNames: readonly string[]): boolean {
  return resourceNames.some((name) => String(entry.logName).startsWith(`${name}/logs/`));
}

/** entries.list orders by timestamp, then insertId (google/logging/v2/logging.proto, ListLogEntriesRequest.order_by). */
function order(orderBy: string): (a: Json, b: Json) => number {
  const direction = orderBy.trim().toLowerCase() === 'timestamp desc' ? -1 : 1;
  return (a, b) => {
    const left = `${toNanosecondKey(toUtcTime(String(a.timestamp))!)} ${String(a.insertId)}`;
    const right = `${toNanosecondKey(toUtcTime(String(b.timestamp))!)} ${String(b.insertId)}`;
    return left < right ? -direction : left > right ? direction : 0;
  };
}

function serviceError(code: status, details: string): Partial<ServiceError> {
  return { code, details };
}
