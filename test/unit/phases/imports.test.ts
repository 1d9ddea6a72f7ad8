// The imports phase over a rendered context: the files the images get, every role and platform, its failure code.

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhaseError } from '../../../src/errors.js';
import type { DepsImage } from '../../../src/images/deps-build.js';
import type { InstalledModules } from '../../../src/images/installed-modules.js';
import type { ImportSite } from '../../../src/imports/check-imports.js';
import { TEMPLATES_DIR } from '../../../src/paths.js';
import { checkRepoImports, type ImportsInput, importsPhase } from '../../../src/phases/imports.js';
import { platformInfo } from '../../../src/platforms.js';

const LISTED: InstalledModules = {
  python: '3.11.2',
  stdlib: ['os'],
  distributions: [{ name: 'numpy', version: '1.26.4', modules: ['numpy'] }],
  unowned: [],
};
const log = pino({ enabled: false });

const image = (role: 'learner' | 'aggregator' | 'trainer', platform: string, modules = LISTED): DepsImage => {
  const info = platformInfo(platform);
  if (info === undefined) throw new Error(platform);
  return { role, platform: info, tag: 't', reference: 'r', built: true, local: false, inputsTag: undefined, modules };
};
const site = (module: string, file: string, line: number): ImportSite => ({ module, file, line, optional: false });

describe('checkRepoImports', () => {
  let contextDir: string;
  beforeAll(async () => {
    contextDir = await mkdtemp(join(tmpdir(), 'imports-phase-'));
    await symlink(join(TEMPLATES_DIR, 'runtime'), join(contextDir, 'flops'));
    // The repo as inject copied it: tests/ was .dockerignore'd.
    await mkdir(join(contextDir, 'repo'));
    await writeFile(join(contextDir, 'repo', 'model_manager.py'), '');
  });
  afterAll(() => rm(contextDir, { recursive: true, force: true }));

  const input = (sites: ImportSite[], depsImages: DepsImage[]): ImportsInput => ({
    sites,
    ownModules: ['model_manager'],
    envFile: 'requirements.txt',
    roles: ['learner', 'aggregator'],
    depsImages,
    contextDir,
  });

  it('fails with IMPORT_NOT_PROVIDED for a module of a file the images get', async () => {
    const sites = [site('numpy', 'model_manager.py', 1), site('lightgbm', 'model_manager.py', 2)];
    const thrown = await checkRepoImports(input(sites, [image('learner', 'linux/amd64')]), log).catch((e) => e);
    expect(thrown).toBeInstanceOf(PhaseError);
    expect(thrown.code).toBe('IMPORT_NOT_PROVIDED');
    expect(thrown.message).toContain('lightgbm (imported at model_manager.py line 2)');
  });

  it("checks only the files the images get: a .dockerignore'd test's pytest is not refused", async () => {
    const sites = [site('numpy', 'model_manager.py', 1), site('pytest', 'tests/test_model.py', 1)];
    const images = [image('learner', 'linux/amd64'), image('aggregator', 'linux/amd64')];
    const result = await checkRepoImports(input(sites, images), log);
    expect(result.provided).toEqual({ numpy: { learner: 'numpy 1.26.4', aggregator: 'numpy 1.26.4' } });
  });

  it('checks every platform, naming it when there are several', async () => {
    const arm = { ...LISTED, distributions: [] };
    const images = [image('learner', 'linux/amd64'), image('learner', 'linux/arm64', arm)];
    const thrown = await checkRepoImports(input([site('numpy', 'model_manager.py', 1)], images), log).catch((e) => e);
    expect(thrown.message).toContain('missing in the learner linux/arm64 image');
  });

  it('reports the learner mlflow stand-in and flops_utils as the runtime', async () => {
    const sites = [site('mlflow', 'model_manager.py', 1), site('flops_utils', 'model_manager.py', 2)];
    const result = await checkRepoImports({ ...input(sites, [image('learner', 'linux/amd64')]) }, log);
    expect(result.provided).toEqual({
      flops_utils: { learner: 'the FLOps runtime' },
      mlflow: { learner: "the learner's stand-in" },
    });
  });

  it("checks the trainer as it runs: its runtime is flops_trainer alone, with no learner's stand-in", async () => {
    const sites = [site('flops_trainer', 'model_manager.py', 1), site('mlflow', 'model_manager.py', 2)];
    const trainer = { ...input(sites, [image('trainer', 'linux/amd64')]), roles: ['trainer' as const] };
    const thrown = await checkRepoImports(trainer, log).catch((e) => e);
    expect(thrown.code).toBe('IMPORT_NOT_PROVIDED');
    expect(thrown.message).toContain('mlflow (imported at model_manager.py line 2)');
    expect(thrown.message).not.toContain('flops_trainer (imported');
  });

  it('sums up what the installed packages provide, for the observer', () => {
    const detail = importsPhase.describe({
      provided: {
        os: { learner: 'python 3.11.2', aggregator: 'python 3.11.2' },
        helpers: { learner: 'the repo', aggregator: 'the repo' },
        numpy: { learner: 'numpy 1.26.4', aggregator: 'numpy 1.26.4' },
        mlflow: { learner: "the learner's stand-in", aggregator: 'mlflow 2.22.5' },
      },
      unprovided: [],
      unchecked: [],
    }) as { summary: string };
    expect(detail.summary).toBe(
      "4 imported modules, each provided in every image or optional: numpy by numpy 1.26.4, mlflow by the learner's stand-in / mlflow 2.22.5",
    );
  });
});
