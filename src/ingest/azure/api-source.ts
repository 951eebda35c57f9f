import type { Agent } from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import { LogsQueryClient, type LogsTable } from '@azure/monitor-query-logs';
import { KeytrailError } from '../../core/errors.ts';
import type { Clock } from '../../core/ports.ts';
import type { ApiPage, ApiSource } from '../api-poller.ts';
import type { ReadItem } from '../read-json.ts';
import { advanceWindow, closeWindow, formatWindowCursor, initialWindowCursor, openWindow, parseWindowCursor, reachedHorizon, type WindowCursor } from '../window-cursor.ts';
import { toAzureApiError } from './api-errors.ts';
import { parseAzureLogsInputConfig } from './config.ts';
import { buildAuditQuery, INGESTED_COLUMN, ITEM_COLUMN, TIME_GENERATED_COLUMN } from './kql.ts';
import { HELPER_COLUMN_PREFIX, normaliseAzureRecord } from './normalise.ts';
import { createReferencedTokenCredential } from './token-credential.ts';

export interface AzureLogsSourceDeps {
  clock: Clock;
  /** Built from tokenFile/tokenEnv when absent. */
  credential?: TokenCredential;
  /** An HTTPS agent, e.g. one trusting a private CA. */
  agent?: Agent;
}

export interface AzureLogsSourceStats {
  queries: number;
  rows: number;
  /** PartialFailure results: their rows were not published, and the page was asked again with fewer rows. */
  partialFailures: number;
  throttled: number;
}

export interface AzureLogsSource extends ApiSource {
  readonly stats: AzureLogsSourceStats;
}

type Row = Record<string, unknown>;

/**
 * Key Vault audit rows from a Log Analytics workspace, one page per fetch, by ingestion-time windows
 * with a durable (ingestion time, _ItemId) cursor. The SDK's own retries are off (maxRetries 0) so
 * that 429s reach the poller with their Retry-After and every retry restarts from the durable cursor.
 */
export function createAzureLogsSource(input: unknown, deps: AzureLogsSourceDeps): AzureLogsSource {
  const config = parseAzureLogsInputConfig(input);
  const cursorName = `azure-logs:${config.workspaceId}:${config.table}`;
  const credential = deps.credential ?? createReferencedTokenCredential(config);
  const client = new LogsQueryClient(credential, { endpoint: config.endpoint, retryOptions: { maxRetries: 0 }, ...(deps.agent === undefined ? {} : { agent: deps.agent }) });
  const policy = { settleMs: config.settleMs, maxWindowMs: config.maxWindowMs };
  const stats: AzureLogsSourceStats = { queries: 0, rows: 0, partialFailures: 0, throttled: 0 };
  let pageSize = config.pageSize;

  const startCursor = (): WindowCursor =>
    initialWindowCursor(config.startTime === undefined ? new Date(deps.clock.now().getTime() - config.initialLookbackMs).toISOString() : new Date(config.startTime).toISOString());

  const query = async (window: WindowCursor, nowMs: number): Promise<Row[]> => {
    const kql = buildAuditQuery(config.table, { ingestedFrom: window.windowStart, ingestedBefore: window.windowEnd!, maxLatenessMs: config.maxLatenessMs, after: window.after, take: pageSize });
    // The timespan applies to TimeGenerated on top of the query's own filters.
    const timespan = { startTime: new Date(Date.parse(window.windowStart) - config.maxLatenessMs), endTime: new Date(Date.parse(window.windowEnd!) + 60 * 60_000) };
    stats.queries += 1;
    let result;
    try {
      result = await client.queryWorkspace(config.workspaceId, kql, timespan, { serverTimeoutInSeconds: config.serverTimeoutSeconds });
    } catch (error) {
      const coded = toAzureApiError(error, `querying ${config.table} in workspace ${config.workspaceId}`, nowMs);
      if (coded.code === 'INGEST_AZURE_API_THROTTLED') stats.throttled += 1;
      throw coded;
    }
    if (result.status !== 'Success') {
      stats.partialFailures += 1;
      const discarded = result.partialTables.reduce((total, table) => total + table.rows.length, 0);
      const tried = pageSize;
      pageSize = Math.max(1, Math.floor(pageSize / 2));
      throw new KeytrailError('INGEST_AZURE_QUERY_PARTIAL', `Log Analytics returned a partial result for ${config.table} (${result.partialError.message}); ${discarded} rows not published, retrying with ${pageSize} rows`, {
        details: { partialError: { code: result.partialError.code, message: result.partialError.message }, rowsDiscarded: discarded, pageSizeTried: tried, nextPageSize: pageSize },
      });
    }
    return result.tables.flatMap(rowsOf);
  };

  const fetchPage = async (cursorText: string | undefined): Promise<ApiPage> => {
    const nowMs = deps.clock.now().getTime();
    const stored = cursorText === undefined ? startCursor() : parseWindowCursor(cursorText, cursorName);
    const opened = openWindow(stored, nowMs, policy);
    if (opened === undefined) return { items: [], cursorAfter: formatWindowCursor(stored), caughtUp: true };
    const rows = (await query(opened, nowMs)).sort(byIngestion);
    stats.rows += rows.length;
    const items = rows.map((row): ReadItem => toReadItem(row, `${cursorName}@${String(row[INGESTED_COLUMN])}/${String(row[ITEM_COLUMN])}`));
    const last = rows.at(-1);
    if (last === undefined || rows.length < pageSize) {
      pageSize = config.pageSize;
      return { items, cursorAfter: formatWindowCursor(closeWindow(opened)), caughtUp: reachedHorizon(opened.windowEnd!, nowMs, policy) };
    }
    return { items, cursorAfter: formatWindowCursor(advanceWindow(opened, { time: String(last[INGESTED_COLUMN]), id: String(last[ITEM_COLUMN]) })), caughtUp: false };
  };

  return { name: 'azure', namespace: 'azure', stream: 'kms', cursorName, normalise: normaliseAzureRecord, fetchPage, stats };
}

function rowsOf(table: LogsTable): Row[] {
  const names = table.columnDescriptors.map((column) => String(column.name));
  return table.rows.map((row) => Object.fromEntries(names.map((name, index) => [name, row[index]])));
}

function byIngestion(a: Row, b: Row): number {
  const left = `${String(a[INGESTED_COLUMN])} ${String(a[ITEM_COLUMN])}`;
  const right = `${String(b[INGESTED_COLUMN])} ${String(b[ITEM_COLUMN])}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * The provider row as exported: TimeGenerated with its full 7 digits (from the string column the query
 * added, not the SDK's millisecond Date), without keytrail's helper columns.
 */
function toReadItem(row: Row, position: string): ReadItem {
  const record: Row = {};
  for (const [name, value] of Object.entries(row)) {
    if (!name.startsWith(HELPER_COLUMN_PREFIX)) record[name] = value instanceof Date ? value.toISOString() : value;
  }
  if (typeof row[TIME_GENERATED_COLUMN] === 'string') record.TimeGenerated = row[TIME_GENERATED_COLUMN];
  return { ok: true, value: record, raw: Buffer.from(JSON.stringify(record), 'utf8'), position };
}
