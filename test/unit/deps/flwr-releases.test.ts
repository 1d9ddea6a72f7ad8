import { describe, expect, it } from 'vitest';
import { FLWR_PINNED, FLWR_RELEASES } from '../../../src/deps/flwr-release-table.js';
import { chooseFlwr, type FlwrInput, flwrFor, flwrSupports } from '../../../src/deps/flwr-releases.js';
import { compare, isValidSpecifier, satisfies } from '../../../src/deps/pep440.js';
import { SUPPORTED_PYTHON_MINORS } from '../../../src/deps/python-version.js';

const pin = (specifier: string, by = `x${specifier}`) => ({ specifier, by });

describe('FLWR_RELEASES', () => {
  it('keeps the table newest first, from 1.42 back to 1.6 (the oldest the FL components run with)', () => {
    const versions = FLWR_RELEASES.map((release) => release.version);
    expect(versions).toEqual([...versions].sort(compare).reverse());
    expect([versions[0], versions.at(-1)]).toEqual(['1.42.0', '1.6.0']);
  });

  it('holds valid PEP 440 specifiers only', () => {
    for (const release of FLWR_RELEASES) {
      for (const specifier of [release.python, ...FLWR_PINNED.map((name) => release.requires[name])])
        expect(isValidSpecifier(specifier), `${release.version} ${specifier}`).toBe(true);
    }
  });

  it.each([
    ['1.6.0', '>=3.8,<4.0', '>=1.21.0,<2.0.0', '>=3.19.0,<4.0.0'],
    ['1.12.0', '>=3.9,<4.0', '>=1.21.0,<2.0.0', '>=4.25.2,<5.0.0'],
    ['1.13.1', '>=3.9,<4.0', '>=1.26.0,<3.0.0', '>=4.25.2,<5.0.0'],
    ['1.23.0', '>=3.9.2,<4.0.0', '>=1.26.0,<3.0.0', '>=4.21.6,<5.0.0'],
    ['1.24.0', '>=3.10,<4.0', '>=1.26.0,<3.0.0', '>=5.28.0,<7.0.0'],
    ['1.31.0', '>=3.11,<4.0', '>=1.26.0,<3.0.0', '>=5.28.0,<7.0.0'],
  ])('records what flwr %s needs, as its METADATA says', (version, python, numpy, protobuf) => {
    expect(FLWR_RELEASES.find((release) => release.version === version)).toMatchObject({
      python,
      requires: { numpy, protobuf },
    });
  });
});

describe('flwrFor', () => {
  it.each([
    ['3.8', '1.11.1'],
    ['3.9', '1.23.0'],
    ['3.10', '1.30.0'],
    ['3.11', '1.42.0'],
    ['3.12', '1.42.0'],
    ['3.13', '1.42.0'],
  ])('python %s → flwr %s, the newest release whose Requires-Python allows it', (python, flwr) => {
    expect(flwrFor(python)).toBe(flwr);
  });

  it('chooses, for every supported python, a release that supports that python', () => {
    for (const python of SUPPORTED_PYTHON_MINORS) {
      const chosen = FLWR_RELEASES.find((release) => release.version === flwrFor(python));
      expect(satisfies(`${python}.99`, chosen?.python ?? '<0'), python).toBe(true);
    }
  });

  it.each([['3.7'], ['2.7'], [''], ['three']])('throws for python %j', (python) => {
    expect(() => flwrFor(python)).toThrow();
    expect(flwrSupports(python)).toBe(false);
  });
});

describe('chooseFlwr', () => {
  const none = { pins: {}, bounds: {} };
  it.each<[string, FlwrInput, string]>([
    ['no pins', { python: '3.11', ...none }, '1.42.0'],
    ['numpy 1.26 fits the newest', { python: '3.11', pins: { numpy: [pin('==1.26.4')] }, bounds: {} }, '1.42.0'],
    [
      'numpy below 1.26 keeps the pin with flwr 1.12',
      { python: '3.11', pins: { numpy: [pin('==1.24.4')] }, bounds: {} },
      '1.12.0',
    ],
    [
      'protobuf 4 keeps the pin with flwr 1.23',
      { python: '3.11', pins: { protobuf: [pin('==4.25.3')] }, bounds: {} },
      '1.23.0',
    ],
    [
      'protobuf 3 keeps the pin with flwr 1.6',
      { python: '3.11', pins: { protobuf: [pin('==3.20.3')] }, bounds: {} },
      '1.6.0',
    ],
    [
      'protobuf 4.25.1 passes over 1.13 and 1.14 (>=4.25.2) but fits 1.23',
      { python: '3.9', pins: { protobuf: [pin('==4.25.1')] }, bounds: {} },
      '1.23.0',
    ],
    [
      'a grpcio pin that later releases exclude (!=1.65.0) keeps flwr 1.12',
      { python: '3.11', pins: { grpcio: [pin('==1.65.0')] }, bounds: {} },
      '1.12.0',
    ],
    [
      'grpcio 1.64 passes over 1.24 and later',
      { python: '3.10', pins: { grpcio: [pin('==1.64.1')] }, bounds: {} },
      '1.23.0',
    ],
    [
      'a bound from another package counts like a pin',
      { python: '3.11', pins: {}, bounds: { protobuf: [pin('<5.0.0dev,>=3.20.3')] } },
      '1.23.0',
    ],
  ])('%s → %s', (_case, input, version) => {
    expect(chooseFlwr(input)).toEqual({ version, raises: [] });
  });

  it('raises a pin only when no release fits, choosing the smallest raise, and says from what', () => {
    const choice = chooseFlwr({
      python: '3.12',
      pins: { numpy: [pin('==2.0.2')], protobuf: [pin('==3.20.3', 'protobuf==3.20.3 (r:2)')] },
      bounds: {},
    });
    expect(choice).toEqual({
      version: '1.23.0',
      raises: [{ package: 'protobuf', from: [pin('==3.20.3', 'protobuf==3.20.3 (r:2)')], to: '>=4.21.6,<5.0.0' }],
    });
  });

  it('raises only within what the other packages accept', () => {
    const pins = { numpy: [pin('==2.1.3')], protobuf: [pin('==3.20.3')] };
    expect(chooseFlwr({ python: '3.12', pins, bounds: { protobuf: [pin('>=3.20.3,<6.0.0dev')] } })).toMatchObject({
      version: '1.23.0',
      raises: [{ package: 'protobuf', to: '>=4.21.6,<5.0.0' }],
    });
    expect(chooseFlwr({ python: '3.12', pins, bounds: { protobuf: [pin('>=3.12,<4')] } })).toHaveProperty('problem');
  });

  it.each<[string, FlwrInput]>([
    ['a pin above every release (never lowered)', { python: '3.11', pins: { protobuf: [pin('==7.1.0')] }, bounds: {} }],
    [
      'a pin that clashes with another package',
      { python: '3.11', pins: { numpy: [pin('==2.1.0')] }, bounds: { numpy: [pin('<2.0.0')] } },
    ],
    ['a python no release supports', { python: '3.7', ...none }],
  ])('refuses %s with a reason', (_case, input) => {
    const choice = chooseFlwr(input);
    expect(choice).toHaveProperty('problem');
    expect((choice as { problem: string }).problem.length).toBeGreaterThan(20);
  });
});
