import type { AzureLogsInputConfig } from './config.ts';

/** Helper columns the query adds (stripped before a row is normalised; see HELPER_COLUMN_PREFIX). */
export const INGESTED_COLUMN = 'keytrail_ingested';
export const ITEM_COLUMN = 'keytrail_item';
export const TIME_GENERATED_COLUMN = 'keytrail_time_generated';

export interface RowWindow {
  ingestedFrom: string;
  ingestedBefore: string;
  maxLatenessMs: number;
  /** The last row already read from this window, in (ingestion time, _ItemId) order. */
  after: { time: string; id: string } | null;
  take: number;
}

/**
 * KQL for one page of Key Vault audit rows that arrived in a window, paged by ingestion_time() (when
 * the row became queryable; TimeGenerated can be minutes older, providers.md §3.4) with _ItemId, the
 * record's unique id, breaking ties. Datetimes are also returned as 7-digit strings: the SDK turns
 * datetime columns into JS Dates and would cut TimeGenerated's 100-ns ticks to milliseconds.
 */
export function buildAuditQuery(table: AzureLogsInputConfig['table'], window: RowWindow): string {
  const earliest = new Date(Date.parse(window.ingestedFrom) - window.maxLatenessMs).toISOString();
  const lines = [
    table,
    `| where ingestion_time() >= datetime(${window.ingestedFrom}) and ingestion_time() < datetime(${window.ingestedBefore})`,
    `| where TimeGenerated >= datetime(${earliest})`,
  ];
  if (table === 'AzureDiagnostics') lines.push('| where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"');
  lines.push(`| extend ${INGESTED_COLUMN} = ingestion_time(), ${ITEM_COLUMN} = tostring(_ItemId)`);
  if (window.after !== null) {
    const at = `datetime(${window.after.time})`;
    lines.push(`| where ${INGESTED_COLUMN} > ${at} or (${INGESTED_COLUMN} == ${at} and strcmp(${ITEM_COLUMN}, ${quote(window.after.id)}) > 0)`);
  }
  lines.push(`| top ${window.take} by ${INGESTED_COLUMN} asc, ${ITEM_COLUMN} asc`);
  lines.push(`| extend ${INGESTED_COLUMN} = ${ticks(INGESTED_COLUMN)}, ${TIME_GENERATED_COLUMN} = ${ticks('TimeGenerated')}`);
  return lines.join('\n');
}

/** `2026-01-10T12:00:01.1234567Z`: format_datetime has no literal T or Z, so the parts are joined. */
function ticks(column: string): string {
  return `strcat(format_datetime(${column}, 'yyyy-MM-dd'), 'T', format_datetime(${column}, 'HH:mm:ss.fffffff'), 'Z')`;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
