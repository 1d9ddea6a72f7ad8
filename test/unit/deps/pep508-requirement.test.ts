import { describe, expect, it } from 'vitest';
import { formatRequirement, parseRequirement } from '../../../src/deps/pep508-requirement.js';

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
