import { readJsonFile, unwrapJsonArray, type Unwrap } from '../read-json.ts';
import type { IngestSource } from '../source.ts';
import { normaliseAzureRecord } from './normalise.ts';

interface QueryTable {
  name?: unknown;
  columns?: { name?: unknown }[];
  rows?: unknown[][];
}

/**
 * Azure exports: resource-log JSON `{"records": [...]}` (storage account blobs, Event Hubs messages;
 * newer storage blobs hold one record per line), Log Analytics rows as a JSON array, `{"value": [...]}`,
 * or a saved query response `{"tables": [{columns, rows}]}` whose rows become objects keyed by column.
 */
export const unwrapAzureDocument: Unwrap = (document) => {
  if (Array.isArray(document)) return unwrapJsonArray(document);
  if (typeof document !== 'object' || document === null) return undefined;
  const container = document as { records?: unknown; value?: unknown; tables?: unknown };
  if (Array.isArray(container.records)) return { items: container.records as unknown[], pointer: (index) => `/records/${index}` };
  if (Array.isArray(container.value)) return { items: container.value as unknown[], pointer: (index) => `/value/${index}` };
  if (Array.isArray(container.tables)) return unwrapTables(container.tables as QueryTable[]);
  return undefined;
};

function unwrapTables(tables: QueryTable[]): { items: unknown[]; pointer: (index: number) => string } {
  const items: unknown[] = [];
  const pointers: string[] = [];
  tables.forEach((table, tableIndex) => {
    const names = (table.columns ?? []).map((column) => String(column.name));
    (table.rows ?? []).forEach((row, rowIndex) => {
      items.push(Array.isArray(row) ? Object.fromEntries(names.map((name, column) => [name, row[column]])) : row);
      pointers.push(`/tables/${tableIndex}/rows/${rowIndex}`);
    });
  });
  return { items, pointer: (index) => pointers[index]! };
}

export const azureKeyVaultSource: IngestSource = {
  name: 'azure',
  namespace: 'azure',
  stream: 'kms',
  readFile: (path) => readJsonFile(path, unwrapAzureDocument),
  normalise: normaliseAzureRecord,
};
