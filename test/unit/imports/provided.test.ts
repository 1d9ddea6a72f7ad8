// What an image provides: the runtime read from the role table and the rendered context, and the module list.

import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInstalledModules } from '../../../src/images/installed-modules.js';
import { imageProviders, runtimeModules } from '../../../src/imports/provided.js';
import { TEMPLATES_DIR } from '../../../src/paths.js';

const LISTED = {
  python: '3.11.2',
  stdlib: ['os', 'json'],
  distributions: [
    { name: 'scikit-learn', version: '1.4.2', modules: ['sklearn'] },
    { name: 'mlflow', version: '2.22.0', modules: ['mlflow'] },
    { name: 'mlflow-skinny', version: '2.22.0', modules: ['mlflow'] },
  ],
  unowned: ['stray'],
};

describe('runtimeModules', () => {
  let context: string;
  beforeAll(async () => {
    context = await mkdtemp(join(tmpdir(), 'provided-'));
    // The context as inject renders it: the runtime under flops/.
    await symlink(join(TEMPLATES_DIR, 'runtime'), join(context, 'flops'));
  });
  afterAll(() => rm(context, { recursive: true, force: true }));

  it("gives the learner FLOps' packages and the mlflow stand-in", () => {
    expect(Object.fromEntries(runtimeModules('learner', context))).toEqual({
      flops_common: 'the FLOps runtime',
      flops_utils: 'the FLOps runtime',
      flops_learner: 'the FLOps runtime',
      mlflow: "the learner's stand-in",
    });
  });

  it("gives the aggregator FLOps' packages, and no stand-in", () => {
    expect([...runtimeModules('aggregator', context).keys()].sort()).toEqual([
      'flops_aggregator',
      'flops_common',
      'flops_utils',
    ]);
  });
});

describe('imageProviders', () => {
  it('names every distribution that installs a module', () => {
    const installed = parseInstalledModules(JSON.stringify(LISTED));
    if (installed === undefined) throw new Error('the listing did not parse');
    expect(imageProviders(installed, new Map()).get('mlflow')).toBe('mlflow 2.22.0, mlflow-skinny 2.22.0');
  });

  it('names what provides each module; the runtime wins, as it comes first on the PYTHONPATH', () => {
    const installed = parseInstalledModules(JSON.stringify(LISTED));
    if (installed === undefined) throw new Error('the listing did not parse');
    const providers = imageProviders(installed, new Map([['mlflow', "the learner's stand-in"]]));
    expect(Object.fromEntries(providers)).toEqual({
      os: 'python 3.11.2',
      json: 'python 3.11.2',
      stray: 'site-packages',
      sklearn: 'scikit-learn 1.4.2',
      mlflow: "the learner's stand-in",
    });
  });
});

describe('parseInstalledModules', () => {
  it('reads the listing the install stage writes', () => {
    expect(parseInstalledModules(JSON.stringify(LISTED))).toEqual(LISTED);
  });

  it.each([
    ['no label', undefined],
    ['an empty label', ''],
    ['text that is not JSON', '{"python":'],
    ['JSON of another shape', '{"python":"3.11","stdlib":"os"}'],
    ['a distribution without modules', JSON.stringify({ ...LISTED, distributions: [{ name: 'x', version: '1' }] })],
  ])('gives nothing for %s', (_name, text) => {
    expect(parseInstalledModules(text)).toBeUndefined();
  });
});
