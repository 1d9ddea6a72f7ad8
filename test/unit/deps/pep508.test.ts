import { describe, expect, it } from 'vitest';
import { evaluateMarker, formatRequirement, parseRequirement } from '../../../src/deps/pep508.js';

describe('parseRequirement', () => {
  it.each([
    ['numpy', { name: 'numpy', extras: [], specifier: '', url: undefined, marker: undefined, kind: 'index' }],
    [
      'Scikit_Learn >= 1.3, < 2',
      { name: 'scikit-learn', extras: [], specifier: '>=1.3,<2', url: undefined, marker: undefined, kind: 'index' },
    ],
    [
      'requests[socks, security]>=2.31 ; python_version < "3.12"',
      {
        name: 'requests',
        extras: ['socks', 'security'],
        specifier: '>=2.31',
        url: undefined,
        marker: 'python_version < "3.12"',
        kind: 'index',
      },
    ],
    [
      'torch (==2.1.1)',
      { name: 'torch', extras: [], specifier: '==2.1.1', url: undefined, marker: undefined, kind: 'index' },
    ],
    [
      'lib @ https://example.org/lib-1.0-py3-none-any.whl ; sys_platform == "linux"',
      {
        name: 'lib',
        extras: [],
        specifier: '',
        url: 'https://example.org/lib-1.0-py3-none-any.whl',
        marker: 'sys_platform == "linux"',
        kind: 'url',
      },
    ],
    [
      'lib @ git+https://github.com/a/lib.git@v1',
      {
        name: 'lib',
        extras: [],
        specifier: '',
        url: 'git+https://github.com/a/lib.git@v1',
        marker: undefined,
        kind: 'vcs',
      },
    ],
    [
      'git+https://github.com/a/b.git@v2#egg=b_lib',
      {
        name: 'b-lib',
        extras: [],
        specifier: '',
        url: 'git+https://github.com/a/b.git@v2#egg=b_lib',
        marker: undefined,
        kind: 'vcs',
      },
    ],
    [
      'https://example.org/x-1.0.tar.gz',
      {
        name: undefined,
        extras: [],
        specifier: '',
        url: 'https://example.org/x-1.0.tar.gz',
        marker: undefined,
        kind: 'url',
      },
    ],
    [
      './libs/helper',
      { name: undefined, extras: [], specifier: '', url: './libs/helper', marker: undefined, kind: 'path' },
    ],
    ['.', { name: undefined, extras: [], specifier: '', url: '.', marker: undefined, kind: 'path' }],
    [
      'helper-1.0-py3-none-any.whl',
      {
        name: undefined,
        extras: [],
        specifier: '',
        url: 'helper-1.0-py3-none-any.whl',
        marker: undefined,
        kind: 'path',
      },
    ],
  ])('%j', (text, parsed) => {
    expect(parseRequirement(text)).toEqual(parsed);
  });

  it.each([[''], ['numpy>=>1'], ['numpy 1.26'], ['==1.2'], ['torch ==> 2']])('cannot read %j', (text) => {
    expect(parseRequirement(text)).toBeUndefined();
  });

  it.each([
    ['torch==2.1.1', 'torch==2.1.1'],
    ['requests[socks]>=2 ; python_version < "3.12"', 'requests[socks]>=2; python_version < "3.12"'],
    ['lib @ https://x/lib.whl ; os_name == "posix"', 'lib @ https://x/lib.whl ; os_name == "posix"'],
  ])('formats %j back as %j', (text, formatted) => {
    expect(formatRequirement(parseRequirement(text) as NonNullable<ReturnType<typeof parseRequirement>>)).toBe(
      formatted,
    );
  });
});

describe('evaluateMarker', () => {
  const target = { python: '3.11', machine: 'x86_64' };
  it.each<[string, boolean | undefined]>([
    ['python_version < "3.12"', true],
    ['python_version >= "3.12"', false],
    ['python_version == "3.11"', true],
    ['"3.10" < python_version', true],
    ['python_full_version >= "3.11.2"', true],
    ['sys_platform == "linux" and platform_machine == "x86_64"', true],
    ['sys_platform == "win32" or python_version > "3.10"', true],
    ['(sys_platform == "darwin" or os_name == "nt") and python_version < "4"', false],
    ["platform_system != 'Windows'", true],
    ['"arm" in platform_machine', false],
    ['"x86" in platform_machine', true],
    ['implementation_name == "cpython"', true],
    ['extra == "gpu"', false],
    ['python_version ~= "3.8"', true],
    ['unknown_var == "x"', undefined],
    ['python_version <', undefined],
    ['python_version < "3.12" garbage', undefined],
  ])('%j on python 3.11, x86_64 → %s', (marker, value) => {
    expect(evaluateMarker(marker, target)).toBe(value);
  });
});
