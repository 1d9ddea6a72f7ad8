import { describe, expect, it } from 'vitest';
import { condaToPip, readCondaEnv, splitCondaSpec } from '../../../src/deps/conda.js';
import { EnvFileError } from '../../../src/deps/env-spec.js';
import { thrownBy } from '../../helpers/thrown.js';

const REPO = '/nonexistent-repo';

// What an MLflow tracking export writes.
const TRACKING_EXPORT = `channels:
- conda-forge
dependencies:
- python=3.11.7
- pip<=23.2
- pip:
  - mlflow==2.9.2
  - torch==2.1.0
  - ' scikit-learn>=1.3 '
name: mlflow-env
`;

function condaDependencies(entries: string[]): string {
  return `dependencies:\n${entries.map((entry) => `  - ${JSON.stringify(entry)}`).join('\n')}\n`;
}

describe('readCondaEnv', () => {
  it('reads a tracking export: python pinned as written, pip itself dropped, the pip list kept with its lines', () => {
    expect(readCondaEnv(REPO, 'conda.yaml', TRACKING_EXPORT)).toEqual({
      file: 'conda.yaml',
      format: 'conda',
      pythonConstraint: '=3.11.7',
      pythonSource: { file: 'conda.yaml', line: 4 },
      requirements: [
        { requirement: 'mlflow==2.9.2', file: 'conda.yaml', line: 7 },
        { requirement: 'torch==2.1.0', file: 'conda.yaml', line: 8 },
        { requirement: 'scikit-learn>=1.3', file: 'conda.yaml', line: 9 },
      ],
      constraints: [],
      pipOptions: [],
      conda: { name: 'mlflow-env', channels: ['conda-forge'], packages: [] },
    });
  });

  it.each([
    ['numpy', 'numpy'],
    ['numpy=1.26', 'numpy==1.26.*'],
    ['numpy=1.26.4', 'numpy==1.26.4'],
    ['numpy=1.26.*', 'numpy==1.26.*'],
    ['numpy=1.26.4=py311h64a7726_0', 'numpy==1.26.4'],
    ['conda-forge::numpy=1.26', 'numpy==1.26.*'],
    ['conda-forge::numpy=1.26.4=py311h64a7726_0', 'numpy==1.26.4'],
    ['NumPy>=1.26', 'numpy>=1.26'],
    ['scipy >=1.11,<2', 'scipy>=1.11,<2'],
    ['pandas==2.1.0', 'pandas==2.1.0'],
    ['pytorch=2.1.1', 'torch==2.1.1'],
    ['py-xgboost=2.0.3', 'xgboost==2.0.3'],
    ['tensorflow-gpu=2.15.0', 'tensorflow==2.15.0'],
    ['opencv', 'opencv-python-headless'],
  ])('turns the conda package %j into the requirement %j, remembering the conda spec', (entry, requirement) => {
    const spec = readCondaEnv(REPO, 'environment.yml', condaDependencies([entry]));
    expect(spec.requirements).toEqual([{ requirement, file: 'environment.yml', line: 2, fromConda: entry }]);
    expect(spec.conda?.packages).toEqual([]);
  });

  it.each([
    ['numpy 1.26.4', 'numpy==1.26.4'],
    ['numpy 1.26.*', 'numpy==1.26.*'],
    ['numpy 1.26.4 py311h64a7726_0', 'numpy==1.26.4'],
  ])('turns the space-separated conda package %j into %j', (entry, requirement) => {
    expect(
      readCondaEnv(REPO, 'environment.yml', condaDependencies([entry])).requirements.map((item) => item.requirement),
    ).toEqual([requirement]);
  });

  it.each([
    ['mkl=2023.1.0=h213fc3f_46344', 'mkl', 'conda-only'],
    ['r-base=4.3.1', 'r-base', 'conda-only'],
    ['r-ggplot2', 'r-ggplot2', 'conda-only'],
    ['ffmpeg', 'ffmpeg', 'conda-only'],
    ['cudatoolkit=11.8', 'cudatoolkit', 'cuda'],
    ['pytorch-cuda=12.1', 'pytorch-cuda', 'cuda'],
    ['cuda-nvcc', 'cuda-nvcc', 'cuda'],
    ['libgcc-ng=11.2.0=h1234567_1', 'libgcc-ng', 'provided'],
    ['_libgcc_mutex=0.1=main', '_libgcc_mutex', 'provided'],
    ['openssl=3.0.13', 'openssl', 'provided'],
    ['cpuonly', 'cpuonly', 'provided'],
  ])('keeps %j as a conda package named %j of kind %j', (entry, name, kind) => {
    const spec = readCondaEnv(REPO, 'environment.yml', condaDependencies([entry]));
    expect(spec.requirements).toEqual([]);
    expect(spec.conda?.packages).toEqual([{ spec: entry, name, kind, file: 'environment.yml', line: 2 }]);
  });

  it('reads a python package whose name starts with "lib" as a pip requirement', () => {
    expect(
      readCondaEnv(REPO, 'environment.yml', condaDependencies(['librosa=0.10.1'])).requirements.map(
        (item) => item.requirement,
      ),
    ).toEqual(['librosa==0.10.1']);
  });

  it.each([
    ['python=3.10', '=3.10'],
    ['python=3.10.14=h955ad1f_0', '=3.10.14'],
    ['python>=3.9,<3.12', '>=3.9,<3.12'],
    ['conda-forge::python=3.9', '=3.9'],
    ['python', undefined],
  ])('reads the python constraint of %j as %j', (entry, constraint) => {
    const spec = readCondaEnv(REPO, 'conda.yaml', condaDependencies([entry]));
    expect([spec.pythonConstraint, spec.requirements]).toEqual([constraint, []]);
  });

  it('collects channels from "channels:" and from channel::package specs, without repeats', () => {
    const text =
      'channels:\n  - pytorch\n  - conda-forge\ndependencies:\n  - conda-forge::numpy\n  - nvidia/label/cuda-12.1.0::cuda-nvcc\n';
    expect(readCondaEnv(REPO, 'environment.yml', text).conda?.channels).toEqual(['pytorch', 'conda-forge', 'nvidia']);
  });

  it('follows YAML anchors and aliases, in the dependency list and as the pip list', () => {
    const text =
      'x-pip: &pip-list\n  - scikit-learn==1.4.2\ndependencies:\n  - &np numpy=1.26.4\n  - pip:\n      *pip-list\n';
    expect(readCondaEnv(REPO, 'environment.yml', text).requirements).toEqual([
      { requirement: 'numpy==1.26.4', file: 'environment.yml', line: 4, fromConda: 'numpy=1.26.4' },
      { requirement: 'scikit-learn==1.4.2', file: 'environment.yml', line: 2 },
    ]);
  });

  it('reads pip options and hashes under "pip:" like a requirements file', () => {
    const text =
      'dependencies:\n  - pip:\n    - --extra-index-url https://download.pytorch.org/whl/cpu\n    - torch==2.1.1 --hash=sha256:abc\n';
    const spec = readCondaEnv(REPO, 'conda.yaml', text);
    expect([spec.pipOptions, spec.requirements]).toEqual([
      [{ option: '--extra-index-url https://download.pytorch.org/whl/cpu', file: 'conda.yaml', line: 3 }],
      [{ requirement: 'torch==2.1.1', file: 'conda.yaml', line: 4, hashed: true }],
    ]);
  });

  it.each([
    ['', undefined, []],
    ['name: empty\n', 'empty', []],
    ['name: 42\ndependencies: []\n', undefined, []],
  ])('reads %j as an empty environment', (text, name, requirements) => {
    const spec = readCondaEnv(REPO, 'conda.yaml', text);
    expect([spec.conda?.name, spec.requirements, spec.pythonConstraint]).toEqual([name, requirements, undefined]);
  });

  it.each([
    ['invalid YAML', 'dependencies:\n  - a\n - b: [\n'],
    ['a scalar document', 'just text\n'],
    ['a list document', '- numpy\n'],
    ['dependencies that are not a list', 'dependencies: numpy\n'],
    ['a pip entry that is not a string', 'dependencies:\n  - pip:\n    - {a: 1}\n'],
    ['an unreadable dependency', 'dependencies:\n  - 42\n'],
    ['a mapping that is not pip', 'dependencies:\n  - conda: [x]\n'],
  ])('refuses %s with an EnvFileError naming the file', (_case, text) => {
    const thrown = thrownBy(() => readCondaEnv(REPO, 'environment.yml', text));
    expect(thrown).toBeInstanceOf(EnvFileError);
    expect((thrown as EnvFileError).file).toBe('environment.yml');
    expect((thrown as EnvFileError).message.startsWith('environment.yml: ')).toBe(true);
  });
});

describe('splitCondaSpec and condaToPip', () => {
  it.each([
    [
      'numpy=1.26.4=py311h64a7726_0',
      { name: 'numpy', constraint: '=1.26.4', channel: undefined, withoutChannel: 'numpy=1.26.4=py311h64a7726_0' },
    ],
    [
      'conda-forge/linux-64::numpy>=1.26',
      { name: 'numpy', constraint: '>=1.26', channel: 'conda-forge', withoutChannel: 'numpy>=1.26' },
    ],
  ])('%j → %j', (spec, split) => {
    expect(splitCondaSpec(spec)).toEqual(split);
  });

  it.each<[string, string | undefined, string]>([
    ['numpy', undefined, 'numpy'],
    ['numpy', '=1.26', 'numpy==1.26.*'],
    ['numpy', '=1.26.4', 'numpy==1.26.4'],
    ['numpy', '<2', 'numpy<2'],
  ])('condaToPip(%j, %j) → %j', (name, constraint, requirement) => {
    expect(condaToPip(name, constraint)).toBe(requirement);
  });
});
