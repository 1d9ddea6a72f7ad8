import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvFileError } from '../../../src/deps/env-spec.js';
import { readPythonEnv } from '../../../src/deps/python-env.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

let repo: string;
beforeEach(async () => {
  repo = await makeTempDir('python-env');
});
afterEach(() => removeTempDir(repo));

describe('readPythonEnv', () => {
  it("reads MLflow's python_env.yaml: python kept as text, pip left out, -r followed relative to it", async () => {
    await mkdir(join(repo, 'model'));
    await writeFile(join(repo, 'model', 'requirements.txt'), 'mlflow==2.9.2\ntorch==2.1.1\n');
    const text =
      'python: 3.10\nbuild_dependencies:\n- pip==23.3.1\n- setuptools==68.2.2\ndependencies:\n- -r requirements.txt\n- numpy==1.26.2\n';
    expect(readPythonEnv(repo, 'model/python_env.yaml', text)).toEqual({
      file: 'model/python_env.yaml',
      format: 'python-env',
      pythonConstraint: '3.10',
      pythonSource: { file: 'model/python_env.yaml', line: 1 },
      requirements: [
        { requirement: 'setuptools==68.2.2', file: 'model/python_env.yaml', line: 4 },
        { requirement: 'mlflow==2.9.2', file: 'model/requirements.txt', line: 1 },
        { requirement: 'torch==2.1.1', file: 'model/requirements.txt', line: 2 },
        { requirement: 'numpy==1.26.2', file: 'model/python_env.yaml', line: 7 },
      ],
      constraints: [],
      pipOptions: [],
      conda: undefined,
    });
  });

  it('reads a file without python or build dependencies', () => {
    const spec = readPythonEnv(repo, 'python_env.yaml', 'dependencies:\n  - numpy\n');
    expect([spec.pythonConstraint, spec.requirements.map((item) => item.requirement)]).toEqual([undefined, ['numpy']]);
  });

  it.each([
    ['invalid YAML', 'python: [3.10\n'],
    ['a list document', '- numpy\n'],
    ['python that is not a version', 'python: [3, 10]\n'],
    ['dependencies that are not a list', 'dependencies: numpy\n'],
    ['a dependency that is not a string', 'dependencies:\n  - {a: 1}\n'],
    ['an include outside the repo', 'dependencies:\n  - -r ../outside.txt\n'],
  ])('refuses %s with an EnvFileError', (_case, text) => {
    expect(() => readPythonEnv(repo, 'python_env.yaml', text)).toThrow(EnvFileError);
  });
});
