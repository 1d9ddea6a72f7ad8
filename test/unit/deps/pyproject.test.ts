import { describe, expect, it } from 'vitest';
import { EnvFileError } from '../../../src/deps/env-spec.js';
import { poetryToPep440, readPyProject } from '../../../src/deps/pyproject.js';

describe('readPyProject', () => {
  it('reads PEP 621 dependencies and requires-python', () => {
    const text = '[project]\nname = "mnist"\nrequires-python = ">=3.9,<3.13"\ndependencies = ["numpy>=1.26", "torch[cuda]==2.1.0", "mlflow"]\n';
    expect(readPyProject('pyproject.toml', text)).toEqual({
      file: 'pyproject.toml',
      format: 'pyproject',
      pythonConstraint: '>=3.9,<3.13',
      requirements: ['numpy>=1.26', 'torch[cuda]==2.1.0', 'mlflow'],
      condaName: undefined,
      convertedCondaPackages: [],
    });
  });

  it('reads a PEP 621 project without dependencies or python', () => {
    const spec = readPyProject('pyproject.toml', '[project]\nname = "x"\n');
    expect([spec.pythonConstraint, spec.requirements]).toEqual([undefined, []]);
  });

  it('reads Poetry dependencies, turning caret and tilde into PEP 440', () => {
    const text = [
      '[tool.poetry.dependencies]',
      'python = "^3.10"',
      'numpy = "^1.26.4"',
      'torch = "~2.1"',
      'pandas = "2.1.0"',
      'scipy = ">=1.11"',
      'requests = { version = "^2.31", extras = ["socks", "security"] }',
      'rich = { version = "*" }',
      'anything = "*"',
    ].join('\n');
    const spec = readPyProject('pyproject.toml', text);
    expect([spec.pythonConstraint, spec.requirements]).toEqual([
      '>=3.10.0,<4.0.0',
      ['numpy>=1.26.4,<2.0.0', 'torch>=2.1.0,<2.2.0', 'pandas==2.1.0', 'scipy>=1.11', 'requests[socks,security]>=2.31.0,<3.0.0', 'rich', 'anything'],
    ]);
  });

  it.each([
    ['invalid TOML', '[project\n'],
    ['neither section', '[tool.black]\nline-length = 100\n'],
    ['dependencies that are not a list', '[project]\ndependencies = "numpy"\n'],
    ['dependencies that are not strings', '[project]\ndependencies = [1]\n'],
    ['a Poetry git dependency', '[tool.poetry.dependencies]\nlib = { git = "https://github.com/a/lib.git" }\n'],
  ])('refuses %s with an EnvFileError naming the file', (_case, text) => {
    let thrown: unknown;
    try {
      readPyProject('pyproject.toml', text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EnvFileError);
    expect((thrown as EnvFileError).file).toBe('pyproject.toml');
  });
});

describe('poetryToPep440', () => {
  it.each([
    ['^3.10', '>=3.10.0,<4.0.0'],
    ['^1.2.3', '>=1.2.3,<2.0.0'],
    ['^0.4.1', '>=0.4.1,<0.5.0'],
    ['^0.0.3', '>=0.0.3,<0.0.4'],
    ['~1.2.3', '>=1.2.3,<1.3.0'],
    ['~1.2', '>=1.2.0,<1.3.0'],
    ['~1', '>=1.0.0,<2.0.0'],
    ['~=1.2', '~=1.2'],
    ['1.2.3', '==1.2.3'],
    ['1.2.*', '==1.2.*'],
    ['==1.2.3', '==1.2.3'],
    ['>=1.2,<2.0', '>=1.2,<2.0'],
    ['!=1.5', '!=1.5'],
    ['<3', '<3'],
    ['*', ''],
    ['', ''],
    ['  ^1.2  ', '>=1.2.0,<2.0.0'],
  ])('%j → %j', (constraint, pep440) => {
    expect(poetryToPep440(constraint)).toBe(pep440);
  });

  it('turns Poetry\'s single "=" into "=="', () => {
    expect(poetryToPep440('=1.2.3')).toBe('==1.2.3');
  });
});
