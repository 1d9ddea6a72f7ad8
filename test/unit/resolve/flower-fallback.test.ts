import { describe, expect, it } from 'vitest';
import {
  flowerClash,
  OLDER_FLOWER_TRIES,
  olderFlowerReleases,
  pinnedFlower,
  raisedPin,
} from '../../../src/resolve/flower-fallback.js';
import type { LockRequest } from '../../../src/resolve/uv-lock.js';

const request = (requirements: string[]): LockRequest => ({
  requirements,
  pipOptions: [],
  constraints: [],
  extras: [],
  python: '3.11',
  workDir: '/tmp',
});

// uv 0.13's explanation of upstream's sklearn example (pyyaml=6.0.1 in its MLflow-written conda.yaml).
const UV_PYYAML = `error: No solution found when resolving dependencies
  cause: Because flwr>=1.42.0 depends on pyyaml>=6.0.2,<7.0.0 and you require flwr==1.42.0, we can conclude that you require pyyaml>=6.0.2,<7.0.0.
         And because you require pyyaml==6.0.1, we can conclude that your requirements are unsatisfiable.`;

describe('the Flower fallback of resolve', () => {
  it('reads the pinned Flower release', () => {
    expect(pinnedFlower(request(['numpy==1.26.4', 'flwr==1.42.0', 'paho-mqtt==2.2.0']))).toBe('1.42.0');
    expect(pinnedFlower(request(['numpy==1.26.4']))).toBeUndefined();
  });

  it('offers older releases for the same python only, newest first, a bounded number', () => {
    const older = olderFlowerReleases('1.42.0', '3.11');
    expect(older[0]).toBe('1.41.0');
    expect(older).toHaveLength(OLDER_FLOWER_TRIES);
    // flwr 1.30 is the newest for python 3.10: nothing newer is offered there.
    expect(olderFlowerReleases('1.30.0', '3.10').every((version) => version.startsWith('1.2'))).toBe(true);
    expect(olderFlowerReleases('1.6.0', '3.11')).toEqual([]);
  });

  it("reads what Flower needs from uv's explanation", () => {
    expect(flowerClash(UV_PYYAML, '1.42.0')).toEqual({ flwr: '1.42.0', name: 'pyyaml', needs: '>=6.0.2,<7.0.0' });
    expect(flowerClash('Because numpy==2.0 depends on nothing', '1.42.0')).toBeUndefined();
  });

  it('raises an exact pin within its major version, and never across one', () => {
    const pyyaml = { flwr: '1.42.0', name: 'pyyaml', needs: '>=6.0.2,<7.0.0' };
    expect(raisedPin('pyyaml==6.0.1', pyyaml)).toBe('pyyaml>=6.0.2,<7');
    expect(raisedPin('PyYAML == 6.0.1 ; python_version >= "3.8"', pyyaml)).toBe(
      'PyYAML>=6.0.2,<7; python_version >= "3.8"',
    );
    expect(raisedPin('click==7.1.2', { flwr: '1.42.0', name: 'click', needs: '>=8.0.0,<9.0.0' })).toBeUndefined();
    // Not an exact pin, or already high enough: nothing to raise.
    expect(raisedPin('pyyaml<6.0.2', pyyaml)).toBeUndefined();
    expect(raisedPin('pyyaml==6.0.3', pyyaml)).toBeUndefined();
  });
});
