import { buildInclusionDocument, type CheckpointChoice } from '../seal/proof-documents.ts';
import { withChainReader } from './chain-reader.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, usageError } from './command.ts';
import { parseNonNegativeInt, readTextFile } from './options.ts';

/** `keytrail prove --data-dir DIR --seq N [--checkpoint FILE]`: prints an inclusion proof document (docs/FORMAT.md). */
export const proveCommand: Command = {
  name: 'prove',
  summary: 'print an inclusion proof of one entry: the entry, its audit path and the signed checkpoint',
  usage: 'keytrail prove --data-dir DIR --seq N [--checkpoint CHECKPOINT_FILE]',
  async run(argv, io) {
    const { values } = parseCommandArgs(this, argv, { 'data-dir': { type: 'string' }, seq: { type: 'string' }, checkpoint: { type: 'string' } });
    if (values['data-dir'] === undefined || values.seq === undefined) throw usageError(this, '--data-dir and --seq are required');
    const seq = parseNonNegativeInt(this, '--seq', values.seq);
    const choice: CheckpointChoice = values.checkpoint === undefined ? { latest: true } : { note: readTextFile(values.checkpoint, 'checkpoint file'), label: values.checkpoint };
    const document = withChainReader(values['data-dir'], (reader) => buildInclusionDocument(reader, seq, choice));
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  },
};
