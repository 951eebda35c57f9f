import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { toNanosecondKey, toUtcTime } from '../../src/ingest/utc-time.ts';
import type { TestCertificates } from './test-ca.ts';

type Row = Record<string, unknown>;

export interface QueryRequest {
  workspaceId: string;
  query: string;
  timespan: string | undefined;
  authorization: string | undefined;
}

interface StoredRow {
  row: Row;
  ingested: string;
  itemId: string;
}

export interface LocalLogsServer {
  /** The query API base URL, e.g. https://127.0.0.1:PORT/v1. */
  endpoint: string;
  readonly requests: QueryRequest[];
  /** Rows of a table as exported (TimeGenerated as a 7-digit string), ingested at the given time. */
  addRows(table: string, rows: readonly Row[], ingestedAt: string): void;
  /** Request number `at` (1-based) is answered with this HTTP status (and headers). */
  failRequest(at: number, status: number, headers?: Record<string, string>): void;
  /** Results with more rows than this come back as PartialFailure holding only the first rows. */
  partialWhenMoreThan(rows: number): void;
  close(): Promise<void>;
}

const TICKS_EXPR = /^strcat\(format_datetime\((\w+), 'yyyy-MM-dd'\), 'T', format_datetime\(\1, 'HH:mm:ss\.fffffff'\), 'Z'\)$/;

/**
 * The Log Analytics query API (`POST /v1/workspaces/{id}/query`, body `{query, timespan}`, answer
 * `{tables: [{name, columns, rows}]}` plus `error` for a partial result) on https://127.0.0.1:0. It
 * evaluates the KQL keytrail emits, line by line, and answers 400 to anything else; each row gets an
 * ingestion time and an _ItemId when added, as the workspace assigns them.
 */
export async function startLocalLogsServer(certificates: TestCertificates, expectedToken: string): Promise<LocalLogsServer> {
  const tables = new Map<string, StoredRow[]>();
  const requests: QueryRequest[] = [];
  const failures = new Map<number, { status: number; headers: Record<string, string> }>();
  let partialLimit = Number.POSITIVE_INFINITY;
  let items = 0;

  const server: Server = createServer({ key: certificates.keyPem, cert: certificates.certPem }, (request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        response.end(JSON.stringify(payload));
      };
      const match = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(request.url ?? '');
      if (request.method !== 'POST' || match === null) return send(404, { error: { code: 'PathNotFoundError', message: `no route ${request.method} ${request.url}` } });
      const parsed = JSON.parse(body) as { query: string; timespan?: string };
      requests.push({ workspaceId: match[1]!, query: parsed.query, timespan: parsed.timespan, authorization: request.headers.authorization });
      if (request.headers.authorization !== `Bearer ${expectedToken}`) return send(401, { error: { code: 'InvalidTokenError', message: 'The provided authentication is not valid' } });
      const failure = failures.get(requests.length);
      if (failure !== undefined) return send(failure.status, { error: { code: failure.status === 429 ? 'ThrottledError' : 'ServiceError', message: `injected ${failure.status}` } }, failure.headers);
      let result: { columns: { name: string; type: string }[]; rows: unknown[][] };
      try {
        result = runQuery(tables, parsed.query, parsed.timespan);
      } catch (error) {
        return send(400, { error: { code: 'BadArgumentError', message: (error as Error).message } });
      }
      if (result.rows.length > partialLimit) {
        return send(200, { tables: [{ name: 'PrimaryResult', columns: result.columns, rows: result.rows.slice(0, partialLimit) }], error: { code: 'PartialError', message: 'Query result set has exceeded the internal limit' } });
      }
      send(200, { tables: [{ name: 'PrimaryResult', columns: result.columns, rows: result.rows }] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `https://127.0.0.1:${port}/v1`,
    requests,
    addRows(table, rows, ingestedAt) {
      const stored = tables.get(table) ?? [];
      for (const row of rows) {
        items += 1;
        stored.push({ row, ingested: ingestedAt, itemId: `c0ffee00-0000-4000-8000-${String(items).padStart(12, '0')}` });
      }
      tables.set(table, stored);
    },
    failRequest: (at, status, headers = {}) => void failures.set(at, { status, headers }),
    partialWhenMoreThan: (rows) => void (partialLimit = rows),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Evaluates keytrail's audit query (src/ingest/azure/kql.ts) over the stored rows of one table. */
function runQuery(tables: Map<string, StoredRow[]>, query: string, timespan: string | undefined) {
  const [table, ...steps] = query.split('\n');
  let rows = [...(tables.get(table!) ?? [])];
  if (timespan !== undefined) {
    const [from, to] = timespan.split('/').map((time) => key(time));
    rows = rows.filter((stored) => key(String(stored.row.TimeGenerated)) >= from! && key(String(stored.row.TimeGenerated)) < to!);
  }
  let top = Number.POSITIVE_INFINITY;
  let extended = false;
  for (const step of steps) {
    let m: RegExpExecArray | null;
    if ((m = /^\| where ingestion_time\(\) >= datetime\((\S+)\) and ingestion_time\(\) < datetime\((\S+)\)$/.exec(step))) {
      const [from, to] = [key(m[1]!), key(m[2]!)];
      rows = rows.filter((stored) => key(stored.ingested) >= from && key(stored.ingested) < to);
    } else if ((m = /^\| where TimeGenerated >= datetime\((\S+)\)$/.exec(step))) {
      const from = key(m[1]!);
      rows = rows.filter((stored) => key(String(stored.row.TimeGenerated)) >= from);
    } else if (step === '| where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"') {
      rows = rows.filter((stored) => stored.row.ResourceProvider === 'MICROSOFT.KEYVAULT' && stored.row.Category === 'AuditEvent');
    } else if (step === '| extend keytrail_ingested = ingestion_time(), keytrail_item = tostring(_ItemId)') {
      extended = true;
    } else if ((m = /^\| where keytrail_ingested > datetime\((\S+)\) or \(keytrail_ingested == datetime\(\1\) and strcmp\(keytrail_item, "([^"]*)"\) > 0\)$/.exec(step))) {
      const [at, id] = [key(m[1]!), m[2]!];
      rows = rows.filter((stored) => key(stored.ingested) > at || (key(stored.ingested) === at && stored.itemId > id));
    } else if ((m = /^\| top (\d+) by keytrail_ingested asc, keytrail_item asc$/.exec(step))) {
      top = Number(m[1]);
      rows.sort((a, b) => (`${key(a.ingested)} ${a.itemId}` < `${key(b.ingested)} ${b.itemId}` ? -1 : 1));
      rows = rows.slice(0, top);
    } else if ((m = /^\| extend keytrail_ingested = (.+), keytrail_time_generated = (.+)$/.exec(step)) && TICKS_EXPR.test(m[1]!) && TICKS_EXPR.test(m[2]!)) {
      if (!extended) throw new Error('keytrail_ingested is not defined');
    } else {
      throw new Error(`unsupported KQL: ${step}`);
    }
  }
  return render(rows);
}

function render(rows: StoredRow[]) {
  const names: string[] = [];
  for (const stored of rows) for (const name of Object.keys(stored.row)) if (!names.includes(name)) names.push(name);
  const columns = [...names.map((name) => ({ name, type: columnType(name, rows.map((stored) => stored.row[name])) })), ...['keytrail_ingested', 'keytrail_item', 'keytrail_time_generated'].map((name) => ({ name, type: 'string' }))];
  const cell = (type: string, value: unknown): unknown => (value === undefined ? null : type === 'dynamic' ? JSON.stringify(value) : value);
  return {
    columns,
    rows: rows.map((stored) => [
      ...names.map((name, index) => cell(columns[index]!.type, stored.row[name])),
      ticks(stored.ingested),
      stored.itemId,
      ticks(String(stored.row.TimeGenerated)),
    ]),
  };
}

/** Column types as Log Analytics reports them (azure-reference-other table docs). */
function columnType(name: string, values: unknown[]): string {
  if (name === 'TimeGenerated') return 'datetime';
  const present = values.filter((value) => value !== undefined && value !== null);
  if (present.some((value) => typeof value === 'object')) return 'dynamic';
  if (present.length > 0 && present.every((value) => typeof value === 'boolean')) return 'bool';
  if (present.length > 0 && present.every((value) => typeof value === 'number')) return name.endsWith('_d') ? 'real' : 'long';
  return 'string';
}

function key(time: string): string {
  return toNanosecondKey(toUtcTime(time, { assumeUtc: true }) ?? time);
}

/** The 7-digit form format_datetime(…, 'yyyy-MM-dd') 'T' format_datetime(…, 'HH:mm:ss.fffffff') 'Z' produces. */
function ticks(time: string): string {
  const nanos = key(time);
  return `${nanos.slice(0, 20)}${nanos.slice(20, 27)}Z`;
}
