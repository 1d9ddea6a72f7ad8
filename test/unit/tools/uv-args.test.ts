import { describe, expect, it } from 'vitest';
import { optionWords, uvCompileArgs, uvIndexArgs, uvPythonPlatform } from '../../../src/tools/uv-args.js';

const PYPI = { indexUrl: 'https://pypi.org/simple', extraIndexUrls: [], trustedHosts: [] };

describe('uvCompileArgs', () => {
  it('locks with hashes, never building, for the target python and platform', () => {
    expect(
      uvCompileArgs({
        input: '/w/base.in',
        constraints: ['/w/c.txt'],
        output: '/w/base.txt',
        python: '3.11',
        machine: 'aarch64',
        index: PYPI,
        pipOptions: ['--extra-index-url https://example.org/simple'],
      }),
    ).toEqual([
      'pip',
      'compile',
      '--quiet',
      '--no-config',
      '--no-header',
      '--no-annotate',
      '--generate-hashes',
      '--no-build',
      '--python-version',
      '3.11.99',
      '--python-platform',
      'aarch64-manylinux_2_36',
      '--index-url',
      'https://pypi.org/simple',
      '--extra-index-url',
      'https://example.org/simple',
      '--constraint',
      '/w/c.txt',
      '--output-file',
      '/w/base.txt',
      '--',
      '/w/base.in',
    ]);
  });
});

describe('uvIndexArgs', () => {
  it("spells pip's index settings as uv's flags", () => {
    expect(
      uvIndexArgs({ indexUrl: 'https://m/simple', extraIndexUrls: ['https://x/simple'], trustedHosts: ['m'] }),
    ).toEqual([
      '--index-url',
      'https://m/simple',
      '--extra-index-url',
      'https://x/simple',
      '--allow-insecure-host',
      'm',
    ]);
  });
});

describe('optionWords', () => {
  it.each([
    ['--extra-index-url https://x/simple', ['--extra-index-url', 'https://x/simple']],
    ['--extra-index-url=https://x/simple', ['--extra-index-url', 'https://x/simple']],
    ['-i https://m/simple', ['--index-url', 'https://m/simple']],
    ['--trusted-host m.example', ['--allow-insecure-host', 'm.example']],
    ['--pre', ['--prerelease=allow']],
    ['--prefer-binary', []],
    ['--find-links ./wheels', ['--find-links', './wheels']],
  ])('%j → %j', (line, words) => {
    expect(optionWords(line)).toEqual(words);
  });
});

describe('uvPythonPlatform', () => {
  it.each([
    ['x86_64', 'x86_64-manylinux_2_36'],
    ['aarch64', 'aarch64-manylinux_2_36'],
  ])('%s → %s', (machine, platform) => {
    expect(uvPythonPlatform(machine)).toBe(platform);
  });
});
