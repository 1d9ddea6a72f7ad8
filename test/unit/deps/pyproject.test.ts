import { describe, expect, it } from 'vitest';
import { EnvFileError } from '../../../src/deps/env-spec.js';
import { poetryToPep440, readPyProject } from '../../../src/deps/pyproject.js';
import { thrownBy } from '../../helpers/thrown.js';

describe('readPyProject', () => {
  it('reads PEP 621 dependencies and requires-python, with their lines', () => {
    const text =
      '[project]\nname = "mnist"\nrequires-python = ">=3.9,<3.13"\ndependencies = [\n  "numpy>=1.26",\n  "torch[cuda]==2.1.0",\n  "mlflow",\n]\n';
    expect(readPyProject('pyproject.toml', text)).toEqual({
      file: 'pyproject.toml',
      format: 'pyproject',
      pythonConstraint: '>=3.9,<3.13',
      pythonSource: { file: 'pyproject.toml', line: 3 },
      requirements: [
        { requirement: 'numpy>=1.26', file: 'pyproject.toml', line: 5 },
        { requirement: 'torch[cuda]==2.1.0', file: 'pyproject.toml', line: 6 },
        { requirement: 'mlflow', file: 'pyproject.toml', line: 7 },
      ],
      constraints: [],
      pipOptions: [],
      conda: undefined,
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
    expect([spec.pythonConstraint, spec.requirements.map((item) => item.requirement)]).toEqual([
      '>=3.10.0,<4.0.0',
      [
        'numpy>=1.26.4,<2.0.0',
        'torch>=2.1.0,<2.2.0',
        'pandas==2.1.0',
        'scipy>=1.11',
        'requests[socks,security]>=2.31.0,<3.0.0',
        'rich',
        'anything',
      ],
    ]);
    expect(spec.requirements.map((item) => item.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads Poetry markers, python limits, git and URL sources, and leaves out optional dependencies', () => {
    const text = [
      '[tool.poetry.dependencies]',
      'python = ">=3.9,<3.13"',
      'tomli = { version = "^2.0", python = "<3.11" }',
      'uvloop = { version = "^0.19", markers = "sys_platform == \'linux\'" }',
      'lib = { git = "https://github.com/a/lib.git", tag = "v1.0" }',
      'wheel-pkg = { url = "https://example.org/wheel_pkg-1.0-py3-none-any.whl" }',
      'matplotlib = { version = "^3.8", optional = true }',
    ].join('\n');
    expect(readPyProject('pyproject.toml', text).requirements.map((item) => item.requirement)).toEqual([
      'tomli>=2.0.0,<3.0.0; python_version < "3.11"',
      "uvloop>=0.19.0,<0.20.0; (sys_platform == 'linux')",
      'lib @ git+https://github.com/a/lib.git@v1.0',
      'wheel-pkg @ https://example.org/wheel_pkg-1.0-py3-none-any.whl',
    ]);
  });

  it('reads Poetry 2 projects, whose [project] table has no dependencies, from [tool.poetry.dependencies]', () => {
    const text = '[project]\nname = "x"\n\n[tool.poetry.dependencies]\nnumpy = "^1.26"\n';
    expect(readPyProject('pyproject.toml', text).requirements).toEqual([
      { requirement: 'numpy>=1.26.0,<2.0.0', file: 'pyproject.toml', line: 5 },
    ]);
  });

  it.each([
    ['invalid TOML', '[project\n'],
    ['neither section', '[tool.black]\nline-length = 100\n'],
    ['dependencies that are not a list', '[project]\ndependencies = "numpy"\n'],
    ['dependencies that are not strings', '[project]\ndependencies = [1]\n'],
    [
      'a Poetry dependency with one constraint per platform',
      '[tool.poetry.dependencies]\nlib = [{ version = "1" }, { version = "2" }]\n',
    ],
  ])('refuses %s with an EnvFileError naming the file', (_case, text) => {
    const thrown = thrownBy(() => readPyProject('pyproject.toml', text));
    expect(thrown).toBeInstanceOf(EnvFileError);
    expect((thrown as EnvFileError).file).toBe('pyproject.toml');
  });

  it('names the line and column of a TOML syntax error', () => {
    expect(() => readPyProject('pyproject.toml', '[project\n')).toThrow(/line 1, column 9/);
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
