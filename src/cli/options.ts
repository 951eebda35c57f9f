import { readFileSync } from 'node:fs';
import { KeytrailError } from '../core/errors.ts';
import type { Command } from './command.ts';
import { usageError } from './command.ts';

/** Key files hold one verifier key per line; several files add up. */
export function readKeyFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    try {
      return readFileSync(path, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '');
    } catch (error) {
      throw new KeytrailError('CORE_KEY_FILE_UNREADABLE', `cannot read the verifier key file ${path}`, { cause: error });
    }
  });
}

export function parseNonNegativeInt(command: Command, flag: string, text: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(Number(text))) throw usageError(command, `${flag} wants a non-negative integer, not ${JSON.stringify(text)}`);
  return Number(text);
}

export function parseTime(command: Command, flag: string, text: string): Date {
  const time = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text) || Number.isNaN(time)) throw usageError(command, `${flag} wants an RFC 3339 time, not ${JSON.stringify(text)}`);
  return new Date(time);
}

export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new KeytrailError('CLI_IO', `cannot read the ${what} ${path}`, { cause: error });
  }
}
