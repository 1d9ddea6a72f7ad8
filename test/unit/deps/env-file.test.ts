import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENV_FILES, findEnvFile, readEnvFile } from '../../../src/deps/env-file.js';
import { EnvFileError } from '../../../src/deps/env-spec.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';
import { thrownBy } from '../../helpers/thrown.js';

const CONTENT: Record<(typeof ENV_FILES)[number], string> = {
  'conda.yaml': 'dependencies:\n  - python=3.10\n  - pip:\n    - from-conda-yaml\n',
  'conda.yml': 'dependencies:\n  - pip:\n    - from-conda-yml\n',
  'environment.yml': 'dependencies:\n  - pip:\n    - from-environment-yml\n',
  'environment.yaml': 'dependencies:\n  - pip:\n    - from-environment-yaml\n',
  'python_env.yaml': 'python: 3.10.12\ndependencies:\n  - from-python-env\n',
  'requirements.txt': 'from-requirements\n',
  'pyproject.toml': '[project]\ndependencies = ["from-pyproject"]\n',
};

let repo: string;
beforeEach(async () => {
  repo = await makeTempDir('env-file');
});
afterEach(() => removeTempDir(repo));

async function put(names: readonly (typeof ENV_FILES)[number][]): Promise<void> {
  for (const name of names) await writeFile(join(repo, name), CONTENT[name]);
}

describe('findEnvFile', () => {
  it('looks for the files in the documented order', () => {
    expect(ENV_FILES).toEqual([
      'conda.yaml',
      'conda.yml',
      'environment.yml',
      'environment.yaml',
      'python_env.yaml',
      'requirements.txt',
      'pyproject.toml',
    ]);
  });

  it.each<[(typeof ENV_FILES)[number][], string | undefined]>([
    [[], undefined],
    [['pyproject.toml'], 'pyproject.toml'],
    [['requirements.txt', 'pyproject.toml'], 'requirements.txt'],
    [['environment.yaml', 'requirements.txt'], 'environment.yaml'],
    [['python_env.yaml', 'requirements.txt', 'pyproject.toml'], 'python_env.yaml'],
    [['conda.yaml', 'python_env.yaml', 'requirements.txt'], 'conda.yaml'],
    [['environment.yml', 'environment.yaml'], 'environment.yml'],
    [['conda.yml', 'environment.yml', 'requirements.txt'], 'conda.yml'],
    [
      [
        'conda.yaml',
        'conda.yml',
        'environment.yml',
        'environment.yaml',
        'python_env.yaml',
        'requirements.txt',
        'pyproject.toml',
      ],
      'conda.yaml',
    ],
  ])('with %j finds %j', async (present, found) => {
    await put(present);
    expect(findEnvFile(repo)).toBe(found);
  });

  it('ignores an environment file in a sub-folder', async () => {
    await mkdir(join(repo, 'env'));
    await writeFile(join(repo, 'env', 'requirements.txt'), 'x\n');
    expect(findEnvFile(repo)).toBeUndefined();
  });
});

describe('readEnvFile', () => {
  it.each<[(typeof ENV_FILES)[number], string, string]>([
    ['conda.yaml', 'conda', 'from-conda-yaml'],
    ['conda.yml', 'conda', 'from-conda-yml'],
    ['environment.yml', 'conda', 'from-environment-yml'],
    ['environment.yaml', 'conda', 'from-environment-yaml'],
    ['python_env.yaml', 'python-env', 'from-python-env'],
    ['requirements.txt', 'requirements', 'from-requirements'],
    ['pyproject.toml', 'pyproject', 'from-pyproject'],
  ])('reads %s as %s', async (file, format, requirement) => {
    await put([file]);
    const spec = readEnvFile(repo, file);
    expect([spec.file, spec.format, spec.requirements.map((item) => item.requirement)]).toEqual([
      file,
      format,
      [requirement],
    ]);
  });

  it.each([
    ['requirements.txt', 'numpy\nnumpy>=>1\n', 'requirements.txt', 'line 2'],
    ['conda.yaml', 'dependencies:\n  - pip:\n    - -r reqs.txt\n', 'reqs.txt', 'line 1'],
  ])('refuses a requirement pip cannot read in %s, naming its file and line', async (file, text, named, line) => {
    await writeFile(join(repo, file), text);
    await writeFile(join(repo, 'reqs.txt'), 'torch ==> 2\n');
    const thrown = thrownBy(() => readEnvFile(repo, file));
    expect(thrown).toBeInstanceOf(EnvFileError);
    expect([(thrown as EnvFileError).file, (thrown as EnvFileError).message.includes(line)]).toEqual([named, true]);
  });

  it.each([['conda.yaml'], ['pyproject.toml'], ['requirements.txt']])(
    'refuses a missing %s with an EnvFileError naming it',
    (file) => {
      const thrown = thrownBy(() => readEnvFile(repo, file));
      expect(thrown).toBeInstanceOf(EnvFileError);
      expect((thrown as EnvFileError).file).toBe(file);
    },
  );
});
