import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { FLWR_RELEASES, flwrFor } from '../../../src/deps/flwr-releases.js';
import { SUPPORTED_PYTHON_MINORS } from '../../../src/deps/python-version.js';

describe('flwrFor', () => {
  it.each([
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
      expect(semver.satisfies(`${python}.99`, chosen?.python ?? '<0.0.0'), python).toBe(true);
    }
  });

  it('keeps the table newest first', () => {
    const versions = FLWR_RELEASES.map((release) => release.version);
    expect(versions).toEqual([...versions].sort(semver.rcompare));
  });

  it.each([['3.8'], ['2.7'], [''], ['three']])('throws for python %j', (python) => {
    expect(() => flwrFor(python)).toThrow();
  });
});
