import { describe, expect, it } from 'vitest';
import { SUPPORTED_PYTHON_MINORS } from '../../../src/deps/python-version.js';
import { flwrFor } from '../../../src/deps/flwr-releases.js';

describe('flwrFor', () => {
  it.each([
    ['3.9', '1.22.0'],
    ['3.10', '1.42.0'],
    ['3.11', '1.42.0'],
    ['3.12', '1.42.0'],
  ])('python %s → flwr %s', (python, flwr) => {
    expect(flwrFor(python)).toBe(flwr);
  });

  it('has a release for every supported python', () => {
    expect(SUPPORTED_PYTHON_MINORS.map((python) => typeof flwrFor(python))).toEqual(SUPPORTED_PYTHON_MINORS.map(() => 'string'));
  });

  it.each([['3.8'], ['3.13'], ['']])('throws for python %j', (python) => {
    expect(() => flwrFor(python)).toThrow();
  });
});
