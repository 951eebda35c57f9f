import type { z } from 'zod';
import { KeytrailError, type ErrorCode } from './errors.ts';

/** Every problem zod found, each with its path, in one message and in details (zod reports them all at once). */
export function schemaError(code: ErrorCode, what: string, error: z.ZodError): KeytrailError {
  const problems = error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  const listed = problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
  return new KeytrailError(code, `${what}: ${listed}`, { details: { problems } });
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.');
}
