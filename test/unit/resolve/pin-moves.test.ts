import { describe, expect, it } from 'vitest';
import {
  applyMoves,
  describeMissing,
  describeMove,
  firstWheelAfter,
  movesFor,
  nearestWheel,
  undoMoves,
} from '../../../src/resolve/pin-moves.js';
import { exactPin, isFinalRelease, type MissingWheel } from '../../../src/resolve/wheel-check.js';

// psutil's releases with a linux/aarch64 wheel for python 3.11 (PyPI, December 2026): none before 6.0.0.
const PSUTIL_ARM64 = ['6.0.0', '6.1.0', '6.1.1', '7.0.0', '7.1.0'];
const psutil: MissingWheel = {
  line: 'psutil==5.9.8',
  name: 'psutil',
  version: '5.9.8',
  where: 'conda.yaml:12',
  platform: 'linux/arm64',
  python: '3.11',
  wheelVersions: PSUTIL_ARM64,
};

describe('the nearest release with a wheel', () => {
  it.each([
    ['5.9.8', PSUTIL_ARM64, '6.0.0', 'no 5.x release has one: the first of the next major'],
    ['6.0.0', ['5.9.0', '6.1.1', '7.0.0'], '6.1.1', 'the first after the pin in its major'],
    ['6.2.0', ['5.9.0', '6.0.0', '6.1.1', '7.0.0'], '6.1.1', 'none after it in its major: the newest before it'],
    ['6.2.0', ['5.9.0'], undefined, 'only an older major: never moved down across a major'],
    ['1.0', [], undefined, 'no wheel at all'],
  ])('%s among %j → %s (%s)', (pinned, versions, expected, _why) => {
    expect(nearestWheel(pinned, versions)).toBe(expected);
  });

  it('moves a snapshot pin for one platform, and undoes the move for the next platform', () => {
    const moves = movesFor([psutil]);
    expect(moves).toEqual([{ missing: psutil, to: '6.0.0', crossesMajor: true }]);
    const lines = ['numpy==1.26.4', 'psutil==5.9.8', 'flwr==1.42.0'];
    const moved = applyMoves(lines, moves ?? []);
    expect(moved).toEqual(['numpy==1.26.4', 'psutil==6.0.0', 'flwr==1.42.0']);
    expect(undoMoves(moved, moves ?? [])).toEqual(lines);
    expect(describeMove(moves?.[0] as never)).toMatch(
      /^linux\/arm64: psutil==5\.9\.8 \(conda\.yaml:12\) moved to 6\.0\.0 for this platform only: .*no 5\.x release/,
    );
  });

  it('keeps a marker and extras when it moves a pin', () => {
    const line = 'psutil[test]==5.9.8; python_version >= "3.8"';
    const moves = movesFor([{ ...psutil, line }]) ?? [];
    expect(applyMoves([line], moves)).toEqual(['psutil[test]==6.0.0; python_version >= "3.8"']);
  });

  it('has no move when one pin has nowhere to go', () => {
    expect(movesFor([psutil, { ...psutil, name: 'x', line: 'x==2.0', version: '2.0', wheelVersions: ['1.0'] }])).toBe(
      undefined,
    );
  });

  it('names package, version, line, platform, python and the first release with a wheel', () => {
    expect(firstWheelAfter(psutil)).toBe('6.0.0');
    expect(describeMissing({ ...psutil, where: 'requirements.txt:3' })).toBe(
      'psutil 5.9.8 (pinned in requirements.txt:3) has no wheel for linux/arm64 and python 3.11; the first release of psutil after it that has one is 6.0.0',
    );
  });
});

describe('the pins the wheel check asks about', () => {
  it.each([
    ['psutil==5.9.8', { name: 'psutil', version: '5.9.8' }],
    ['PyYAML == 6.0.1', { name: 'pyyaml', version: '6.0.1' }],
    ['numpy>=1.26', undefined],
    ['numpy==1.26.*', undefined],
    ['--extra-index-url https://x', undefined],
    ['pywin32==306; sys_platform == "win32"', undefined],
    ['x==1.0; platform_machine == "x86_64"', undefined],
  ])('%s → %j (on aarch64)', (line, expected) => {
    expect(exactPin(line, '3.11', 'aarch64')).toEqual(expected);
  });

  it('moves to final releases only', () => {
    expect(['6.0.0', '6.0.0.post1', '7.0.0rc1', '7.0.0b2', '7.0.0.dev3'].filter(isFinalRelease)).toEqual([
      '6.0.0',
      '6.0.0.post1',
    ]);
  });
});
