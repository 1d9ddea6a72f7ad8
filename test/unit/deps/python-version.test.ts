import { describe, expect, it } from 'vitest';
import { DEFAULT_PYTHON, SUPPORTED_PYTHON_MINORS, choosePython } from '../../../src/deps/python-version.js';

describe('choosePython', () => {
  it('supports 3.9 to 3.12 and defaults to 3.11', () => {
    expect([SUPPORTED_PYTHON_MINORS, DEFAULT_PYTHON]).toEqual([['3.9', '3.10', '3.11', '3.12'], '3.11']);
  });

  it.each<[string | undefined, string]>([
    [undefined, '3.11'],
    ['', '3.11'],
    ['  ', '3.11'],
    ['3.10.14', '3.10'],
    ['3.10', '3.10'],
    ['=3.9', '3.9'],
    ['=3.11.7', '3.11'],
    ['==3.10.*', '3.10'],
    ['==3.12.1', '3.12'],
    ['3.*', '3.12'],
    ['>=3.9,<3.13', '3.12'],
    ['>=3.9,<3.12', '3.11'],
    ['>=3.9, <3.11', '3.10'],
    ['>=3.8', '3.12'],
    ['<3.10', '3.9'],
    ['~=3.10', '3.12'],
    ['~=3.10.2', '3.10'],
    ['^3.10', '3.12'],
    ['>=3.10.0,<4.0.0', '3.12'],
    ['>=3.9,!=3.10.2', '3.12'],
  ])('%j → %s', (constraint, version) => {
    expect(choosePython(constraint)).toEqual({ version });
  });

  it.each([['2.7'], ['=2.7.18'], ['<3'], ['>=3.14'], ['>=3.13'], ['<3.9'], ['garbage'], ['>=three'], ['3.10;'], ['>=3.9,,<x']])(
    '%j → a problem',
    (constraint) => {
      const choice = choosePython(constraint);
      expect(choice).toHaveProperty('problem');
      expect(choice).not.toHaveProperty('version');
    },
  );

  it('chooses only among the supported minors it is given', () => {
    expect(choosePython('>=3.9', ['3.9', '3.10'])).toEqual({ version: '3.10' });
    expect(choosePython('>=3.11', ['3.9', '3.10'])).toHaveProperty('problem');
  });

  it.each([
    ['>=3.9,!=3.12.*', '3.11'],
    ['>=3.9,<3.13,!=3.12.*,!=3.11.*', '3.10'],
  ])('%j → %s, never an excluded minor', (constraint, version) => {
    expect(choosePython(constraint)).toEqual({ version });
  });
});
