import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KeytrailError } from '../core/errors.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal (progress is shown only then). */
  isTty: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code: 0 ok, 1 verification failed, 2 usage or config, 3 I/O. */
  run(argv: string[], io: CliIo): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs in strict mode, with its errors turned into CLI_USAGE. Boolean flags take a `--no-`
 * form, so a flag can switch off what a configuration file switched on (`--no-once`).
 */
export function parseCommandArgs<T extends Options>(command: Command, argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true, allowNegative: true });
  } catch (error) {
    throw new KeytrailError('CLI_USAGE', `${(error as Error).message}\nusage: ${command.usage}`);
  }
}

export function usageError(command: Command, message: string): KeytrailError {
  return new KeytrailError('CLI_USAGE', `${message}\nusage: ${command.usage}`);
}
