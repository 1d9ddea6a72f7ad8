import { describe, expect, it } from 'vitest';
import {
  choosePython,
  DEFAULT_PYTHON,
  parsePythonMinors,
  pythonCandidates,
  SUPPORTED_PYTHON_MINORS,
} from '../../../src/deps/python-version.js';

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

  it.each([
    ['2.7'],
    ['=2.7.18'],
    ['<3'],
    ['>=3.14'],
    ['>=3.13'],
    ['<3.9'],
    ['garbage'],
    ['>=three'],
    ['3.10;'],
    ['>=3.9,,<x'],
  ])('%j → a problem', (constraint) => {
    const choice = choosePython(constraint);
    expect(choice).toHaveProperty('problem');
    expect(choice).not.toHaveProperty('version');
  });

  it('says Python 2 is not supported and what to do', () => {
    expect(choosePython('=2.7.18')).toEqual({
      problem:
        'python "=2.7.18" is Python 2, which Flower does not support; port the code to Python 3 and pin python 3.9 or newer',
    });
  });

  it('chooses only among the supported minors it is given', () => {
    expect(choosePython('>=3.9', ['3.9', '3.10'])).toEqual({ version: '3.10' });
    expect(choosePython('>=3.11', ['3.9', '3.10'])).toHaveProperty('problem');
    expect(choosePython(undefined, ['3.9', '3.10'])).toEqual({ version: '3.10' });
  });

  it.each([
    ['>=3.9,!=3.12.*', '3.11'],
    ['>=3.9,<3.13,!=3.12.*,!=3.11.*', '3.10'],
  ])('%j → %s, never an excluded minor', (constraint, version) => {
    expect(choosePython(constraint)).toEqual({ version });
  });

  it.each<[string | undefined, string[], string]>([
    ['>=3.9', ['3.12'], '3.11'],
    ['>=3.9', ['3.12', '3.11'], '3.10'],
    [undefined, ['3.11'], '3.12'],
    ['>=3.9', ['3.12', '3.11', '3.10', '3.9'], '3.12'],
  ])('with %j passes over minors that do not fit (%j) → %s', (constraint, unfit, version) => {
    expect(choosePython(constraint, SUPPORTED_PYTHON_MINORS, (minor) => !unfit.includes(minor))).toEqual({ version });
  });
});

describe('pythonCandidates', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, ['3.11', '3.12', '3.10', '3.9']],
    ['>=3.10', ['3.12', '3.11', '3.10']],
    ['=3.9', ['3.9']],
  ])('%j → %j, most preferred first', (constraint, minors) => {
    expect(pythonCandidates(constraint, SUPPORTED_PYTHON_MINORS)).toEqual({ minors });
  });
});

describe('parsePythonMinors', () => {
  const flower = (minor: string): boolean => Number(minor.split('.')[1]) >= 8;
  it.each<[string, readonly string[] | RegExp]>([
    ['3.10,3.11', ['3.10', '3.11']],
    [' 3.12 , 3.9 ,3.12', ['3.9', '3.12']],
    ['3.13', ['3.13']],
    ['', /expected python minors/],
    ['3.10,three', /cannot read "three"/],
    ['3.10.2', /cannot read "3.10.2"/],
    ['3.7,3.11', /no Flower release the builder knows supports python 3.7/],
  ])('%j → %j', (text, expected) => {
    const parsed = parsePythonMinors(text, flower);
    if (expected instanceof RegExp) expect(parsed).toMatch(expected);
    else expect(parsed).toEqual(expected);
  });
});
