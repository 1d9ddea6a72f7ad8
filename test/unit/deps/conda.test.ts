import { describe, expect, it } from 'vitest';
import { readCondaEnv } from '../../../src/deps/conda.js';
import { EnvFileError } from '../../../src/deps/env-spec.js';

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
  it('reads a tracking export: python pinned as written, pip itself dropped, the pip list kept', () => {
    expect(readCondaEnv('conda.yaml', TRACKING_EXPORT)).toEqual({
      file: 'conda.yaml',
      format: 'conda',
      pythonConstraint: '=3.11.7',
      requirements: ['mlflow==2.9.2', 'torch==2.1.0', 'scikit-learn>=1.3'],
      condaName: 'mlflow-env',
      convertedCondaPackages: [],
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
  ])('turns the conda package %j into the requirement %j', (entry, requirement) => {
    const spec = readCondaEnv('environment.yml', condaDependencies([entry]));
    expect([spec.requirements, spec.convertedCondaPackages]).toEqual([[requirement], [entry]]);
  });

  it.each([
    ['numpy 1.26.4', 'numpy==1.26.4'],
    ['numpy 1.26.*', 'numpy==1.26.*'],
    ['numpy 1.26.4 py311h64a7726_0', 'numpy==1.26.4'],
  ])('turns the space-separated conda package %j into %j', (entry, requirement) => {
    expect(readCondaEnv('environment.yml', condaDependencies([entry])).requirements).toEqual([requirement]);
  });

  it.each([
    ['python=3.10', '=3.10'],
    ['python=3.10.14=h955ad1f_0', '=3.10.14'],
    ['python>=3.9,<3.12', '>=3.9,<3.12'],
    ['conda-forge::python=3.9', '=3.9'],
    ['python', undefined],
  ])('reads the python constraint of %j as %j', (entry, constraint) => {
    const spec = readCondaEnv('conda.yaml', condaDependencies([entry]));
    expect([spec.pythonConstraint, spec.requirements]).toEqual([constraint, []]);
  });

  it.each([
    ['', undefined, []],
    ['name: empty\n', 'empty', []],
    ['name: 42\ndependencies: []\n', undefined, []],
  ])('reads %j as an empty environment', (text, name, requirements) => {
    const spec = readCondaEnv('conda.yaml', text);
    expect([spec.condaName, spec.requirements, spec.pythonConstraint]).toEqual([name, requirements, undefined]);
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
    let thrown: unknown;
    try {
      readCondaEnv('environment.yml', text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EnvFileError);
    expect((thrown as EnvFileError).file).toBe('environment.yml');
    expect((thrown as EnvFileError).message.startsWith('environment.yml: ')).toBe(true);
  });
});
