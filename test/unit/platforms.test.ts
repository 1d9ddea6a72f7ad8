import { describe, expect, it } from 'vitest';
import { architectureInfo, hostPlatform, platformInfo, platformsProblem } from '../../src/platforms.js';

describe('the platforms table', () => {
  it('names each platform as every tool spells it', () => {
    expect(platformInfo('linux/arm64')).toMatchObject({
      architecture: 'arm64',
      machine: 'aarch64',
      qemu: 'aarch64',
      elfMachine: 183,
    });
    expect(architectureInfo('amd64')).toMatchObject({ platform: 'linux/amd64', machine: 'x86_64', elfMachine: 62 });
    expect(hostPlatform().nodeArch).toBe(process.arch);
  });

  it.each([
    [['linux/amd64'], undefined],
    [['linux/amd64', 'linux/arm64'], undefined],
    [['linux/arm/v7'], /^linux\/arm\/v7 is not supported: PyPI has no armv7 wheels/],
    [
      ['linux/amd64', 'linux/s390x'],
      /^linux\/s390x is not supported: the builder makes images for linux\/amd64 and linux\/arm64 only/,
    ],
  ])('%j → %s', (platforms, problem) => {
    const found = platformsProblem(platforms);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});
