// The pipeline's layout (issue 11): phases take typed inputs and never import each other; only the plans, which
// wire phases together, import them. And the layers (issue 25, docs/contributing.md): imports point down them.

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
  it("has the phases' time limits read by the pipeline alone, not repeated below it", () => {
    // A phase's signal aborts when its limit passes (src/pipeline.ts); a command of the phase given the same limit
    // again would only race it.
    const readers = sourceFiles(SRC)
      .filter((file) => !file.startsWith(join(SRC, 'config')) && readFileSync(file, 'utf8').includes('phaseTimeoutsMs'))
      .map(shown);
    expect(readers).toEqual(['pipeline.ts']);
  });

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

/**
 * The layers, bottom to top, as docs/contributing.md lists them: each a few folders (`name/`) and files of src/. A
 * module may import its own layer and the ones below.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['tables/', 'platforms.ts', 'paths.ts'],
  ['errors.ts', 'time-limit.ts'],
  ['report/'],
  ['deps/'],
  ['config/'],
  ['tools/'],
  ['job.ts', 'setup.ts', 'preflight/', 'leftovers.ts'],
  ['images/'],
  ['sif/'],
  ['resolve/'],
  ['imports/'],
  ['context/'],
  ['sources/'],
  ['repo/'],
  ['phases/'],
  ['plans/'],
  ['outcome/'],
  ['pipeline.ts'],
  ['main.ts', 'cli.ts', 'v8-flags.ts'],
];
/** Imports that may point up the layers, as a budget rather than a list: a new one must replace an old one. */
const UPWARD_BUDGET = 3;

/** The folder (`images/`) or top-level file (`errors.ts`) of src/ that holds `file`. */
function unitOf(file: string): string {
  const [first = '', ...rest] = shown(file).split('/');
  return rest.length > 0 ? `${first}/` : first;
}

function layerOf(file: string): number {
  const layer = LAYERS.findIndex((units) => units.includes(unitOf(file)));
  if (layer < 0)
    throw new Error(`${shown(file)} is in no layer: add ${unitOf(file)} to LAYERS and to docs/contributing.md`);
  return layer;
}

/** Every import of one project file by another, as [importer, imported]. */
function allImports(): [string, string][] {
  return sourceFiles(SRC).flatMap((file) => importsOf(file).map((imported): [string, string] => [file, imported]));
}

describe('the layers', () => {
  it('place every source file', () => {
    for (const file of sourceFiles(SRC)) expect(() => layerOf(file)).not.toThrow();
  });

  it(`have at most ${UPWARD_BUDGET} imports pointing up`, () => {
    const upward = allImports()
      .filter(([file, imported]) => layerOf(imported) > layerOf(file))
      .map(([file, imported]) => `${shown(file)} → ${shown(imported)}`);
    expect(upward.length, upward.join('\n')).toBeLessThanOrEqual(UPWARD_BUDGET);
  });

  it('have no two files, and no two folders, that import each other', () => {
    const edges = allImports();
    const pairs = (name: (file: string) => string): string[] => {
      const seen = new Set(edges.map(([a, b]) => `${name(a)} → ${name(b)}`));
      return [...seen].filter((edge) => {
        const [a, b] = edge.split(' → ');
        return a !== b && a !== undefined && b !== undefined && a < b && seen.has(`${b} → ${a}`);
      });
    };
    expect(pairs(shown)).toEqual([]);
    expect(pairs(unitOf)).toEqual([]);
  });

  it('are the ones docs/contributing.md lists, bottom to top', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/contributing.md', import.meta.url)), 'utf8');
    const section = doc.split('## Layers')[1]?.split('\n## ')[0] ?? '';
    const listed = [...section.matchAll(/^\d+\. ((?:`[^`]+`(?:, )?)+)/gm)].map((match) =>
      [...(match[1] ?? '').matchAll(/`([^`]+)`/g)].map((name) => name[1]),
    );
    expect(listed).toEqual(LAYERS);
  });
});
