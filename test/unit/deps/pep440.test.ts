import { describe, expect, it } from 'vitest';
import { and, intersects, isValidSpecifier, lowerBound, satisfies } from '../../../src/deps/pep440.js';

describe('pep440', () => {
  it.each<[string[], boolean]>([
    [['>=1.26.0,<3.0.0', '==1.26.4'], true],
    [['>=1.26.0,<3.0.0', '==1.24.4'], false],
    [['>=1.21.0,<2.0.0', '>=1.24.0,<2.0.0'], true],
    [['<2', '>=2'], false],
    [['<=1.24.3', '>=1.22'], true],
    [['>=4.21.6,<5.0.0', '<5.0.0dev,>=3.20.3,!=4.21.0,!=4.21.1'], true],
    [['>=5.28.0,<7.0.0', '<5.0.0dev'], false],
    [['==1.26.*', '>=1.26.3'], true],
    [['==1.26.*', '<1.26'], false],
    [['~=1.3', '<1.3'], false],
    [['~=1.3', '>=1.9'], true],
    [['!=1.65.0', '==1.65.0'], false],
    [['>=1.62.3,<2.0.0,!=1.65.0', '>=1.65,<1.66'], true],
    [['>1.5', '<=1.5.0'], false],
    [['>1.5', '<1.6'], true],
    [['', '==1'], true],
    [[], true],
  ])('intersects(%j) → %s', (specifiers, expected) => {
    expect(intersects(...specifiers)).toBe(expected);
  });

  it.each<[string, string, boolean]>([
    ['2.1.1+cpu', '==2.1.1', true],
    ['4.25.3', '<5.0.0dev', true],
    ['1.0', '', true],
    ['3.12.99', '>=3.9.2,<4.0.0', true],
    ['3.9.99', '>=3.10,<4.0', false],
  ])('satisfies(%j, %j) → %s', (version, specifier, expected) => {
    expect(satisfies(version, specifier)).toBe(expected);
  });

  it.each<[string, string | undefined]>([
    ['>=4.21.6,<5.0.0', '4.21.6'],
    ['<5', undefined],
    ['==1.26.*', '1.26'],
    ['>=1.2,>1.5', '1.5'],
  ])('lowerBound(%j) → %j', (specifier, bound) => {
    expect(lowerBound(specifier)).toBe(bound);
  });

  it('joins specifiers with commas and reads METADATA forms', () => {
    expect(and('>=1', '', '(<2, !=1.5)')).toBe('>=1,<2,!=1.5');
    expect([isValidSpecifier('(>=1.2,<2)'), isValidSpecifier(''), isValidSpecifier('>=>1')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
