// The aggregator's list is the learner's environment's and its own layer's, listed apart (the layer is installed in a
// container of its own): merged, they must be what installed_modules.py says of both prefixes at once.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeInstalledModules, parseInstalledModules } from '../../../src/images/installed-modules.js';
import { TEMPLATES_DIR } from '../../../src/paths.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

const scratch = await makeTempDir('installed-modules-merge');
afterAll(() => removeTempDir(scratch));

const LISTER = join(TEMPLATES_DIR, 'checks', 'installed_modules.py');

/** A prefix whose site-packages holds `files`, and a distribution for each of `distributions` claiming its files. */
function prefix(name: string, distributions: Record<string, readonly string[]>, unclaimed: readonly string[]): string {
  const site = join(scratch, name, 'lib', 'python3.11', 'site-packages');
  mkdirSync(site, { recursive: true });
  for (const [distribution, modules] of Object.entries(distributions)) {
    const info = join(site, `${distribution}-1.0.dist-info`);
    mkdirSync(info, { recursive: true });
    writeFileSync(join(info, 'METADATA'), `Metadata-Version: 2.1\nName: ${distribution}\nVersion: 1.0\n\n`);
    writeFileSync(join(info, 'RECORD'), modules.map((module) => `${module}/__init__.py,,\n`).join(''));
    for (const module of modules) mkdirSync(join(site, module), { recursive: true });
  }
  for (const module of unclaimed) writeFileSync(join(site, `${module}.py`), '');
  return join(scratch, name);
}

const list = (...prefixes: string[]): string =>
  execFileSync('python3', ['-B', '-I', '-S', LISTER, ...prefixes])
    .toString()
    .trim();

describe('mergeInstalledModules', () => {
  it('is the listing of both environments at once: each distribution once, unowned only if neither claims it', () => {
    // `shared` is in both (an environment made from the learner's, without a lock); `cli` is unclaimed in the first
    // prefix and claimed in the second, `stray` unclaimed in both.
    const learner = prefix('a-learner', { numpy: ['numpy'], shared: ['shared'] }, ['cli', 'stray']);
    const own = prefix('b-own', { mlflow: ['mlflow', 'cli'], shared: ['shared'] }, ['stray', 'loose']);
    const merged = parseInstalledModules(mergeInstalledModules(list(learner), list(own)));
    expect(merged).toEqual(parseInstalledModules(list(learner, own)));
    expect(merged?.unowned).toEqual(['loose', 'stray']);
    expect(merged?.distributions.map((item) => item.name)).toEqual(['numpy', 'shared', 'mlflow']);
  });

  it('gives no list when either is not one (an image from before lists were kept)', () => {
    const valid = list(prefix('c', { six: ['six'] }, []));
    expect(mergeInstalledModules(valid, '')).toBe('');
    expect(mergeInstalledModules('not json', valid)).toBe('');
  });
});
