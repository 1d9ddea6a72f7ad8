import { describe, expect, it } from 'vitest';
import { readLock } from '../../../src/deps/lock.js';
import { describeResolve, type ResolveResult, resolvePhase } from '../../../src/phases/resolve.js';
import { run } from '../../helpers/load-config.js';

const BASE = readLock(
  'flwr==1.42.0 \\\n    --hash=sha256:aa\nnumpy==1.26.4 \\\n    --hash=sha256:bb\nsix==1.17.0 \\\n    --hash=sha256:cc\n',
);
const EXTRAS = readLock('mlflow==2.22.0 \\\n    --hash=sha256:dd\n');

const RESULT: ResolveResult = {
  verified: true,
  python: '3.11',
  locks: [
    {
      platform: 'linux/amd64',
      base: BASE,
      extras: EXTRAS,
      unlocked: [],
      moved: [],
      inputsHash: 'h1',
      reused: false,
      differs: [],
    },
    {
      platform: 'linux/arm64',
      base: BASE,
      extras: EXTRAS,
      unlocked: [],
      moved: ['linux/arm64: psutil==5.9.8 moved to 6.0.0'],
      inputsHash: 'h2',
      reused: true,
      differs: ['numpy 1.26.4 → 2.0.1'],
    },
  ],
  checkedPackages: [],
  notChecked: [],
  notes: [],
  tool: 'uv 0.13.9',
};

describe('describeResolve', () => {
  it('says per platform how many packages are locked, and whether the lock was reused', () => {
    const detail = describeResolve(RESULT);
    expect(detail.summary).toBe(
      'locked for python 3.11, linux/amd64: 4 packages; linux/arm64: 4 packages (lock reused): flwr 1.42.0, numpy 1.26.4, mlflow 2.22.0',
    );
    expect(detail).toMatchObject({
      verified: true,
      tool: 'uv 0.13.9',
      versions: { flwr: '1.42.0', numpy: '1.26.4', mlflow: '2.22.0' },
      differing_versions: ['linux/arm64: numpy 1.26.4 → 2.0.1'],
    });
    expect((detail.locks as { digest: string }[])[0]?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('says what was not locked, and what resolve had to change', () => {
    const detail = describeResolve({
      ...RESULT,
      verified: false,
      notChecked: ['antlr4-python3-runtime==4.9.3: not checked (…)'],
      notes: ["the repo's mlflow==2.9.2 does not install beside the images' other packages"],
    });
    expect(detail.summary).toMatch(/; not locked: 1; the repo's mlflow==2\.9\.2 does not install/);
    expect(detail).toMatchObject({ verified: false, not_checked: ['antlr4-python3-runtime==4.9.3: not checked (…)'] });
  });

  it('describes the conda path, which is checked by pip and not locked', () => {
    const detail = describeResolve({
      ...RESULT,
      locks: [],
      checkedPackages: [{ name: 'flwr', version: '1.30.0' }],
      tool: 'pip 26.3 (conda path, not locked)',
    });
    expect(detail.summary).toBe(
      '1 pip packages install on python 3.11 (conda resolves the rest in the build): flwr 1.30.0',
    );
  });
});

describe('resolvePhase.skip', () => {
  it('skips only with --skip-resolve, saying so', () => {
    const job = (argv: readonly string[]) => ({
      config: run(['https://h/a/b', 'http://r:5000', 'p', 'b', 'o', ...argv]),
    });
    expect(resolvePhase.skip?.(job([]) as never)).toBeUndefined();
    expect(resolvePhase.skip?.(job(['--skip-resolve']) as never)).toMatch(
      /^--skip-resolve: the dependencies are not locked/,
    );
  });
});
