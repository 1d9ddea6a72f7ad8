import { describe, expect, it } from 'vitest';
import {
  IMAGE_ROOT_VARIABLE,
  VERIFY_SCRIPT,
  type VerifyOptions,
  verifyPlatformArgs,
} from '../../../src/images/verify-platform.js';

const BASE: VerifyOptions = {
  elfMachine: 183,
  qemu: undefined,
  pythonPath: '/work/runtime',
  distributions: undefined,
  modules: ['flwr', 'flops_learner'],
  environments: 2,
};

describe('verifyPlatformArgs', () => {
  it.each<[string, Partial<VerifyOptions>, string[]]>([
    ['no emulator: the ELF check', {}, []],
    ['an emulator', { qemu: '/q/qemu-aarch64-static' }, ['--qemu', '/q/qemu-aarch64-static']],
  ])('with %s', (_case, change, emulator) => {
    expect(verifyPlatformArgs({ ...BASE, ...change })).toEqual([
      'python3',
      VERIFY_SCRIPT,
      '--root-env',
      'FLOPS_IMAGE_ROOT',
      '--venv-env',
      'FLOPS_VENV_ROOT_0',
      '--venv-env',
      'FLOPS_VENV_ROOT_1',
      '--elf-machine',
      '183',
      ...emulator,
      '--python-path',
      '/work/runtime',
      '--',
      'flwr',
      'flops_learner',
    ]);
  });

  it('names only the distributions of the image’s own layer, and keeps modules after "--"', () => {
    const argv = verifyPlatformArgs({ ...BASE, distributions: ['numpy', 'scikit-learn'], modules: ['-m'] });
    expect(argv.slice(-5)).toEqual(['/work/runtime', '--only', 'numpy,scikit-learn', '--', '-m']);
    expect(IMAGE_ROOT_VARIABLE).toBe('FLOPS_IMAGE_ROOT');
  });
});
