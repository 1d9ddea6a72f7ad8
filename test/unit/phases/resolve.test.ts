import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import type { Job } from '../../../src/job.js';
import { describeResolve, type ResolveResult, resolvePhase } from '../../../src/phases/resolve.js';

const RESULT: ResolveResult = {
  verified: true,
  packages: [
    { name: 'flwr', version: '1.42.0' },
    { name: 'NumPy', version: '1.26.4' },
    { name: 'torch', version: '2.5.1' },
    { name: 'six', version: '1.17.0' },
  ],
  pipVersion: '26.3',
  notChecked: [],
  python: '3.11',
  platform: 'linux/amd64',
};

describe('describeResolve', () => {
  it('counts the packages and names the notable versions', () => {
    expect(describeResolve(RESULT)).toEqual({
      summary: '4 packages install on python 3.11 (linux/amd64): flwr 1.42.0, numpy 1.26.4, torch 2.5.1',
      verified: true,
      packages: 4,
      versions: { flwr: '1.42.0', numpy: '1.26.4', torch: '2.5.1' },
      python_version: '3.11',
      platform: 'linux/amd64',
      pip_version: '26.3',
    });
  });

  it('says what was not checked', () => {
    const detail = describeResolve({
      ...RESULT,
      verified: false,
      notChecked: ['git+https://h/x.git: not checked (…)'],
    });
    expect(detail).toMatchObject({
      summary: expect.stringMatching(/; not checked: 1$/),
      verified: false,
      not_checked: ['git+https://h/x.git: not checked (…)'],
    });
  });

  it('says when nothing could be checked', () => {
    expect(describeResolve({ ...RESULT, verified: false, packages: [], notChecked: ['x'] }).summary).toBe(
      'the dependencies could not be checked on python 3.11 (linux/amd64); not checked: 1',
    );
  });
});

describe('resolvePhase.skip', () => {
  const jobWith = (argv: readonly string[]): Job => {
    const invocation = loadConfig(['https://h/a/b', 'http://r:5000', 'p', 'broker', 'observer', ...argv], {});
    if (invocation.kind !== 'run') throw new Error('no config');
    return { config: invocation.config } as Job;
  };

  it('skips only with --skip-resolve, saying so', () => {
    expect([resolvePhase.skip?.(jobWith([])), resolvePhase.skip?.(jobWith(['--skip-resolve']))]).toEqual([
      undefined,
      '--skip-resolve: the dependencies are not checked before the build',
    ]);
  });
});
