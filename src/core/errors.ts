import { ERROR_CODES, type ErrorCode } from './error-codes/index.ts';

export type { ErrorCode };

/** How the CLI reports an error: 1 verification failed, 2 usage or config, 3 I/O (and anything internal). */
export const EXIT_CODES = { ok: 0, verify: 1, usage: 2, io: 3 } as const;

export interface KeytrailErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error class of the project. `code` is stage-prefixed and documented in docs/errors.md;
 * `retriable` comes from the catalogue so callers never guess it.
 */
export class KeytrailError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: KeytrailErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeytrailError';
    this.code = code;
    this.retriable = ERROR_CODES[code].retriable;
    this.details = options.details ?? {};
  }

  get exitCode(): number {
    return EXIT_CODES[ERROR_CODES[this.code].exit];
  }
}

export function isKeytrailError(value: unknown): value is KeytrailError {
  return value instanceof KeytrailError;
}

/** Wraps anything thrown by a dependency so that every error leaving a stage carries a code. */
export function toKeytrailError(error: unknown, code: ErrorCode, message: string): KeytrailError {
  if (error instanceof KeytrailError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new KeytrailError(code, `${message}: ${reason}`, { cause: error });
}
