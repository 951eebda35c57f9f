import { parseDocument } from 'yaml';
import { KeytrailError } from '../core/errors.ts';
import { readTextFile } from './options.ts';

export type ConfigObject = Record<string, unknown>;

/**
 * A run configuration file, YAML or JSON (JSON is YAML). Every syntax problem is reported at once, each with its
 * line and column; a repeated key is one of them. The object is validated later, merged with the flags.
 */
export function readConfigFile(path: string): ConfigObject {
  const document = parseDocument(readTextFile(path, 'configuration file'), { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => ({ line: error.linePos?.[0].line, column: error.linePos?.[0].col, message: error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:$/, '') }));
    const listed = problems.map((problem) => `line ${problem.line ?? '?'}, column ${problem.column ?? '?'}: ${problem.message}`).join('; ');
    throw new KeytrailError('CLI_CONFIG_INVALID', `${path} is not valid YAML or JSON: ${listed}`, { details: { file: path, problems } });
  }
  const value: unknown = document.toJS();
  if (!isConfigObject(value)) throw new KeytrailError('CLI_CONFIG_INVALID', `${path} does not hold a configuration object (a mapping of keys such as dataDir, inputs, sources)`, { details: { file: path } });
  return value;
}

export function isConfigObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A section of the file with the given values laid over it (undefined values leave the file's value alone). A
 * section of the wrong type is returned as it is, so validation names it instead of the merge hiding it.
 */
export function overlaySection(base: unknown, overrides: Record<string, unknown>): unknown {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  if (base === undefined) return Object.keys(defined).length === 0 ? undefined : defined;
  if (!isConfigObject(base)) return base;
  return { ...base, ...defined };
}
