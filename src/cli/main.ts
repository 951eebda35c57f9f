import { ERROR_CODES } from '../core/error-codes/index.ts';
import { isKeytrailError, EXIT_CODES } from '../core/errors.ts';
import type { CliIo, Command } from './command.ts';
import { demoCommand } from './demo.ts';
import { exportCommand } from './export.ts';
import { keygenCommand } from './keygen.ts';
import { runCommand } from './run.ts';
import { consistencyCommand } from './consistency.ts';
import { proveCommand } from './prove.ts';
import { queryCommand } from './query.ts';
import { verifyProofCommand } from './verify-proof.ts';
import { verifyCommand } from './verify.ts';

export const COMMANDS: readonly Command[] = [demoCommand, runCommand, verifyCommand, keygenCommand, proveCommand, verifyProofCommand, consistencyCommand, queryCommand, exportCommand];

function helpText(): string {
  const rows = COMMANDS.map((command) => `  ${command.name.padEnd(12)} ${command.summary}`);
  return `keytrail: who decrypted what, with proof that the record was never changed\n\nusage: keytrail COMMAND [options]\n\n${rows.join('\n')}\n\nexit codes: 0 ok, 1 verification failed, 2 usage or configuration, 3 I/O\n`;
}

/** Runs one command and maps every error to a coded message and an exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpText());
    return name === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.stderr(`error CLI_USAGE: unknown command ${JSON.stringify(name)}\n\n${helpText()}`);
    return EXIT_CODES.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (isKeytrailError(error)) {
      io.stderr(`error ${error.code}: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`error CLI_INTERNAL: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT_CODES[ERROR_CODES.CLI_INTERNAL.exit];
  }
}
