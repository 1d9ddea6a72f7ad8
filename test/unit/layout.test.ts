// The pipeline's layout (issue 11): phases take typed inputs and never import each other; only the plans, which
// wire phases together, import them.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const PHASES = join(SRC, 'phases');
/** The module every phase shares: the shape of a phase's behaviour. */
const SHARED = join(PHASES, 'phase.ts');

/** Every .ts file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The project files `file` imports (relative specifiers, `.js` written for `.ts`), as absolute paths. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')));
}

const inPhases = (path: string): boolean => dirname(path) === PHASES;
const shown = (path: string): string => relative(SRC, path);

describe('the source layout', () => {
  it('has phases that import no other phase, only the shared phase shape', () => {
    const crossings = sourceFiles(PHASES).flatMap((file) =>
      importsOf(file)
        .filter((imported) => inPhases(imported) && imported !== SHARED)
        .map((imported) => `${shown(file)} → ${shown(imported)}`),
    );
    expect(crossings).toEqual([]);
  });

  it('has phases imported by the plans alone', () => {
    const outside = sourceFiles(SRC).filter((file) => !inPhases(file) && !file.startsWith(join(SRC, 'plans')));
    const crossings = outside.flatMap((file) =>
      importsOf(file)
        .filter((imported) => inPhases(imported) && imported !== SHARED)
        .map((imported) => `${shown(file)} → ${shown(imported)}`),
    );
    expect(crossings).toEqual([]);
  });
});
