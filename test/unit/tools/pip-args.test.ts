import { describe, expect, it } from 'vitest';
import {
  manylinuxPlatforms,
  PIP_VERSION,
  type PipIndex,
  type PipResolveOptions,
  pipIndexArgs,
  pipResolveArgs,
  pipSelfInstallArgs,
  pipTargetArgs,
  pipVersionsArgs,
  TARGET_GLIBC_MINOR,
} from '../../../src/tools/pip-args.js';
import { UV_VERSION } from '../../../src/tools/uv-args.js';

const PYPI: PipIndex = { indexUrl: 'https://pypi.org/simple', extraIndexUrls: [], trustedHosts: [] };
const ISOLATED = ['--isolated', '--disable-pip-version-check', '--no-input', '--no-cache-dir'];

describe('manylinuxPlatforms', () => {
  it.each<[string, number, string[]]>([
    [
      'amd64',
      18,
      [
        'manylinux_2_18_x86_64',
        'manylinux_2_17_x86_64',
        'manylinux2014_x86_64',
        'manylinux_2_16_x86_64',
        'manylinux_2_15_x86_64',
        'manylinux_2_14_x86_64',
        'manylinux_2_13_x86_64',
        'manylinux_2_12_x86_64',
        'manylinux2010_x86_64',
        'manylinux_2_11_x86_64',
        'manylinux_2_10_x86_64',
        'manylinux_2_9_x86_64',
        'manylinux_2_8_x86_64',
        'manylinux_2_7_x86_64',
        'manylinux_2_6_x86_64',
        'manylinux_2_5_x86_64',
        'manylinux1_x86_64',
        'linux_x86_64',
      ],
    ],
    [
      'arm64',
      19,
      [
        'manylinux_2_19_aarch64',
        'manylinux_2_18_aarch64',
        'manylinux_2_17_aarch64',
        'manylinux2014_aarch64',
        'linux_aarch64',
      ],
    ],
    ['ppc64le', 17, ['manylinux_2_17_ppc64le', 'manylinux2014_ppc64le', 'linux_ppc64le']],
    ['s390x', 17, ['manylinux_2_17_s390x', 'manylinux2014_s390x', 'linux_s390x']],
  ])('lists every glibc tag of %s down from 2.%i', (architecture, glibc, tags) => {
    expect(manylinuxPlatforms(architecture, glibc)).toEqual(tags);
  });

  it('starts at the glibc of Debian trixie by default', () => {
    const tags = manylinuxPlatforms('amd64');
    expect([TARGET_GLIBC_MINOR, tags[0], tags.length]).toEqual([41, 'manylinux_2_41_x86_64', 37 + 3 + 1]);
  });
});

describe('pipTargetArgs', () => {
  it('names the python, every platform tag and CPython', () => {
    const args = pipTargetArgs({ python: '3.12', architecture: 'arm64' });
    // The newest patch release: pip would read "3.12" as 3.12.0, which Requires-Python ">=3.12.1" rules out.
    expect(args.slice(0, 4)).toEqual(['--python-version', '3.12.99', '--platform', 'manylinux_2_41_aarch64']);
    expect(args.slice(-4)).toEqual(['--platform', 'linux_aarch64', '--implementation', 'cp']);
    expect(args.filter((arg) => arg === '--platform')).toHaveLength(manylinuxPlatforms('arm64').length);
  });
});

describe('pipIndexArgs', () => {
  it.each<[string, PipIndex, string | undefined, string[]]>([
    ['the default index', PYPI, undefined, ['--index-url', 'https://pypi.org/simple']],
    ['a CA bundle', PYPI, '/priv/ca.pem', ['--index-url', 'https://pypi.org/simple', '--cert', '/priv/ca.pem']],
    [
      'extra indexes and trusted hosts',
      {
        indexUrl: 'https://mirror/simple',
        extraIndexUrls: ['https://download.pytorch.org/whl/cpu', 'http://local:8080/simple'],
        trustedHosts: ['local:8080', 'mirror'],
      },
      undefined,
      [
        '--index-url',
        'https://mirror/simple',
        '--extra-index-url',
        'https://download.pytorch.org/whl/cpu',
        '--extra-index-url',
        'http://local:8080/simple',
        '--trusted-host',
        'local:8080',
        '--trusted-host',
        'mirror',
      ],
    ],
  ])('with %s', (_case, index, cert, args) => {
    expect(pipIndexArgs(index, cert)).toEqual(args);
  });
});

const RESOLVE: PipResolveOptions = {
  shim: '/t/pip_for_target.py',
  python: '3.11',
  architecture: 'amd64',
  index: PYPI,
  certFile: undefined,
  reportFile: '/w/report.json',
  requirementsFile: '/w/requirements.txt',
  packages: ['flwr==1.42.0', 'paho-mqtt==2.2.0'],
};
const TARGET_311 = pipTargetArgs({ python: '3.11', architecture: 'amd64' });

describe('pipResolveArgs', () => {
  it.each<[string, Partial<PipResolveOptions>, string[], string[]]>([
    ['the default index', {}, ['--index-url', 'https://pypi.org/simple'], ['flwr==1.42.0', 'paho-mqtt==2.2.0']],
    [
      'a CA bundle',
      { certFile: '/priv/ca.pem' },
      ['--index-url', 'https://pypi.org/simple', '--cert', '/priv/ca.pem'],
      ['flwr==1.42.0', 'paho-mqtt==2.2.0'],
    ],
    ['no packages', { packages: [] }, ['--index-url', 'https://pypi.org/simple'], []],
  ])('with %s', (_case, change, index, packages) => {
    expect(pipResolveArgs({ ...RESOLVE, ...change })).toEqual([
      '-I',
      '/t/pip_for_target.py',
      '3.11.99',
      'install',
      ...ISOLATED,
      '--keyring-provider',
      'disabled',
      '--progress-bar',
      'off',
      '--dry-run',
      '--ignore-installed',
      '--report',
      '/w/report.json',
      ...TARGET_311,
      '--only-binary=:all:',
      ...index,
      '-r',
      '/w/requirements.txt',
      '--',
      ...packages,
    ]);
  });

  it("passes the repo's constraints with -c", () => {
    expect(pipResolveArgs({ ...RESOLVE, constraintsFile: '/w/constraints.txt' }).slice(-7)).toEqual([
      '-r',
      '/w/requirements.txt',
      '-c',
      '/w/constraints.txt',
      '--',
      'flwr==1.42.0',
      'paho-mqtt==2.2.0',
    ]);
  });
});

describe('pipVersionsArgs', () => {
  it.each<[boolean, string[]]>([
    [false, []],
    [true, ['--only-binary=:all:']],
  ])('with wheels only %s', (wheelsOnly, binary) => {
    expect(pipVersionsArgs({ ...RESOLVE, project: 'numpy', wheelsOnly })).toEqual([
      '-I',
      '/t/pip_for_target.py',
      '3.11.99',
      'index',
      'versions',
      ...ISOLATED,
      '--keyring-provider',
      'disabled',
      '--json',
      ...TARGET_311,
      ...binary,
      '--index-url',
      'https://pypi.org/simple',
      '--',
      'numpy',
    ]);
  });
});

describe('pipSelfInstallArgs', () => {
  it('installs the pinned pip isolated, with the index and CA of the build', () => {
    expect(pipSelfInstallArgs(PYPI, '/priv/ca.pem')).toEqual([
      '-I',
      '-m',
      'pip',
      'install',
      ...ISOLATED,
      '--progress-bar',
      'off',
      '--quiet',
      '--index-url',
      'https://pypi.org/simple',
      '--cert',
      '/priv/ca.pem',
      '--',
      `pip==${PIP_VERSION}`,
      `uv==${UV_VERSION}`,
    ]);
    expect(PIP_VERSION).toBe('26.3');
  });
});
