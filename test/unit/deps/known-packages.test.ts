import { describe, expect, it } from 'vitest';
import {
  frameworkBounds,
  frameworkPythonProblem,
  frameworksFit,
  TENSORFLOW_SERIES,
  TORCH_SERIES,
} from '../../../src/deps/known-packages.js';
import { isValidSpecifier } from '../../../src/deps/pep440.js';

describe('framework tables', () => {
  it('hold valid bounds, series in order, python ranges that make sense', () => {
    for (const table of [TENSORFLOW_SERIES, TORCH_SERIES]) {
      const series = table.map((row) => row.series);
      expect(series).toEqual(
        [...series].sort(
          (a, b) =>
            Number(a.split('.')[0]) - Number(b.split('.')[0]) || Number(a.split('.')[1]) - Number(b.split('.')[1]),
        ),
      );
      for (const row of table) {
        expect(Number(row.pythonMin.split('.')[1])).toBeLessThanOrEqual(Number(row.pythonMax.split('.')[1]));
        for (const specifier of Object.values(row.requires ?? {})) expect(isValidSpecifier(specifier)).toBe(true);
      }
    }
  });
});

describe('frameworkPythonProblem', () => {
  it.each<[string, string, string, string | undefined]>([
    [
      'tensorflow',
      '==2.12.1',
      '3.12',
      'has no release for python 3.12 (tensorflow 2.12 supports python 3.8 to 3.11); pin python 3.11 in the environment file or require tensorflow>=2.16',
    ],
    ['tensorflow', '==2.12.1', '3.11', undefined],
    ['tensorflow', '', '3.12', undefined],
    [
      'tensorflow',
      '>=2.12,<2.16',
      '3.12',
      'has no release for python 3.12 (tensorflow 2.12 supports python 3.8 to 3.11; tensorflow 2.13 supports python 3.8 to 3.11; tensorflow 2.14 supports python 3.9 to 3.11; tensorflow 2.15 supports python 3.9 to 3.11); pin python 3.11 in the environment file or require tensorflow>=2.16',
    ],
    ['tensorflow', '==2.99.0', '3.12', undefined],
    [
      'tensorflow',
      '==2.10.1',
      '3.11',
      'has no release for python 3.11 (tensorflow 2.10 supports python 3.8 to 3.10); pin python 3.10 in the environment file or require tensorflow>=2.12',
    ],
    [
      'torch',
      '==2.1.1',
      '3.12',
      'has no release for python 3.12 (torch 2.1 supports python 3.8 to 3.11); pin python 3.11 in the environment file or require torch>=2.2',
    ],
    [
      'torch',
      '==2.9.0',
      '3.9',
      'has no release for python 3.9 (torch 2.9 supports python 3.10 to 3.14); pin python 3.10 in the environment file or require torch<2.9',
    ],
    ['torch', '==2.1.1+cpu', '3.11', undefined],
    ['numpy', '==1.0', '3.12', undefined],
  ])('%s%s on python %s', (name, specifier, python, problem) => {
    expect(frameworkPythonProblem(name, specifier, python)).toBe(problem);
  });
});

describe('frameworkBounds', () => {
  it.each<[string, string, string, object]>([
    [
      'tensorflow',
      '==2.15.0',
      '3.11',
      {
        numpy: '>=1.23.5,<2.0.0',
        protobuf: '>=3.20.3,<5.0.0dev,!=4.21.0,!=4.21.1,!=4.21.2,!=4.21.3,!=4.21.4,!=4.21.5',
        grpcio: '>=1.24.3,<2.0',
      },
    ],
    [
      'tensorflow',
      '>=2.14,<2.16',
      '3.11',
      {
        numpy: '>=1.23.5,<2.0.0',
        protobuf: '>=3.20.3,<5.0.0dev,!=4.21.0,!=4.21.1,!=4.21.2,!=4.21.3,!=4.21.4,!=4.21.5',
        grpcio: '>=1.24.3,<2.0',
      },
    ],
    ['tensorflow', '', '3.12', { grpcio: '>=1.24.3,<2.0' }],
    ['tensorflow', '==2.10.0', '3.10', {}],
    ['torch', '==2.1.1', '3.11', {}],
  ])('%s%s on python %s → %j', (name, specifier, python, bounds) => {
    expect(frameworkBounds(name, specifier, python)).toEqual(bounds);
  });
});

describe('frameworksFit', () => {
  it('applies markers: a pin for another python does not count', () => {
    const requirements = [
      { requirement: 'tensorflow==2.12.1; python_version < "3.12"' },
      { requirement: 'tensorflow==2.16.2; python_version >= "3.12"' },
    ];
    expect([frameworksFit(requirements, '3.12', 'x86_64'), frameworksFit(requirements, '3.11', 'x86_64')]).toEqual([
      true,
      true,
    ]);
    expect(frameworksFit([{ requirement: 'tensorflow==2.12.1' }], '3.12', 'x86_64')).toBe(false);
  });
});
