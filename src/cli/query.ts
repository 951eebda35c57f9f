import { RecordKind } from '../core/schemas/record.ts';
import { querySealedRecords, type RecordFilter, type SealedRecord } from '../seal/query.ts';
import { withChainReader } from './chain-reader.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, usageError } from './command.ts';
import { parseTime } from './options.ts';

/** `keytrail query --data-dir DIR [filters] [--json]`: sealed records as NDJSON {seq, hash, record} or a table. */
export const queryCommand: Command = {
  name: 'query',
  summary: 'list sealed records by user, KMS key, kind and event time, with their seq and chain hash',
  usage: 'keytrail query --data-dir DIR [--user ID] [--key KMS_KEY] [--kind KIND] [--since RFC3339] [--until RFC3339] [--scan] [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(this, argv, {
      'data-dir': { type: 'string' },
      user: { type: 'string' },
      key: { type: 'string' },
      kind: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      scan: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (values['data-dir'] === undefined) throw usageError(this, '--data-dir is required');
    const kind = values.kind === undefined ? undefined : RecordKind.safeParse(values.kind);
    if (kind !== undefined && !kind.success) throw usageError(this, `--kind must be one of ${RecordKind.options.join(', ')}`);
    const filter: RecordFilter = {
      userId: values.user,
      keyId: values.key,
      kind: kind?.data,
      since: values.since === undefined ? undefined : parseTime(this, '--since', values.since),
      until: values.until === undefined ? undefined : parseTime(this, '--until', values.until),
    };
    let count = 0;
    withChainReader(values['data-dir'], (reader) => {
      if (!values.json) io.stdout(`${TABLE_HEADER}\n`);
      for (const result of querySealedRecords(reader, filter, values.scan ? undefined : reader.index)) {
        count += 1;
        io.stdout(values.json ? `${JSON.stringify(result)}\n` : `${formatRow(result)}\n`);
      }
    });
    if (!values.json) io.stdout(`${count} record${count === 1 ? '' : 's'}\n`);
    return 0;
  },
};

const TABLE_HEADER = ['seq'.padStart(7), 'event time'.padEnd(24), 'kind'.padEnd(12), 'operation'.padEnd(17), 'user'.padEnd(24), 'principal / key'].join('  ');

function formatRow({ seq, record }: SealedRecord): string {
  const who = record.user === null ? '-' : `${record.user.id}${record.user.tenant === undefined ? '' : ` (${record.user.tenant})`}`;
  const what = `${record.principal ?? '-'}  ${record.keyId ?? '-'}`;
  return [String(seq).padStart(7), record.eventTime.padEnd(24), record.kind.padEnd(12), record.operation.padEnd(17), who.padEnd(24), what].join('  ');
}
