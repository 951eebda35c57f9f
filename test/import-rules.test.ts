import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The top-level area of a file under src/: core, bus, ingest, correlate, seal, export, forward, verify, cli, or app. */
function areaOf(file: string): string {
  const first = relative(SRC, file).split('/')[0]!;
  return first.endsWith('.ts') ? first.replace(/\.ts$/, '') : first;
}

const graph = new Map<string, { relative: string[]; packages: string[] }>();
for (const file of sourceFiles(SRC)) {
  const text = readFileSync(file, 'utf8');
  const relativeImports: string[] = [];
  const packages: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2]!;
    if (specifier.startsWith('.')) relativeImports.push(resolve(dirname(file), specifier));
    else packages.push(specifier);
  }
  graph.set(file, { relative: relativeImports, packages });
}

const COMPOSERS = new Set(['app', 'cli']);

describe('import rules (STYLE.md)', () => {
  it('keeps core free of other areas and of packages other than node: built-ins and zod', () => {
    const violations: string[] = [];
    for (const [file, imports] of graph) {
      if (areaOf(file) !== 'core') continue;
      for (const target of imports.relative) if (areaOf(target) !== 'core') violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      for (const name of imports.packages) if (!name.startsWith('node:') && name !== 'zod') violations.push(`${relative(SRC, file)} → ${name}`);
    }
    expect(violations).toEqual([]);
  });

  it('lets a stage import core and itself only; only app.ts and cli/ see several stages', () => {
    const violations: string[] = [];
    for (const [file, imports] of graph) {
      const area = areaOf(file);
      if (COMPOSERS.has(area) || area === 'core') continue;
      for (const target of imports.relative) {
        const targetArea = areaOf(target);
        if (targetArea !== area && targetArea !== 'core') violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('never lets verify/ import seal/', () => {
    const violations = [...graph].filter(([file, imports]) => areaOf(file) === 'verify' && imports.relative.some((target) => areaOf(target) === 'seal'));
    expect(violations.map(([file]) => relative(SRC, file))).toEqual([]);
  });

  it('has no import cycles', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((item) => relative(SRC, item)).join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of graph.get(file)?.relative ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
