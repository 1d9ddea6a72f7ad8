import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvFileError } from '../../../src/deps/env-spec.js';
import { readRequirements } from '../../../src/deps/requirements.js';
import { useScratchRepo } from '../../helpers/scratch-repo.js';

const fixture = useScratchRepo('requirements');
const put = fixture.put;

function refusal(file: string): EnvFileError {
  try {
    readRequirements(fixture.repo, file);
  } catch (error) {
    if (error instanceof EnvFileError) return error;
    throw error;
  }
  throw new Error('expected an EnvFileError');
}

describe('readRequirements', () => {
  const at = (requirement: string, line: number, extra: Record<string, unknown> = {}) => ({
    requirement,
    file: 'requirements.txt',
    line,
    ...extra,
  });

  it.each<[string, object[]]>([
    ['numpy==1.26.4\ntorch\n', [at('numpy==1.26.4', 1), at('torch', 2)]],
    ['# a comment\n\n   \nnumpy  # pinned below\n', [at('numpy', 4)]],
    ['git+https://github.com/a/b.git#egg=b\n', [at('git+https://github.com/a/b.git#egg=b', 1)]],
    ['numpy#not-a-comment\n', [at('numpy#not-a-comment', 1)]],
    [
      'torch==2.1.0 \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\nscipy\n',
      [at('torch==2.1.0', 1, { hashed: true }), at('scipy', 4)],
    ],
    ['pandas\\\r\n>=2\r\nscipy\r\n', [at('pandas >=2', 1), at('scipy', 3)]],
    [
      'numpy ; python_version < "3.12"\nrequests[socks]>=2.31\n',
      [at('numpy ; python_version < "3.12"', 1), at('requests[socks]>=2.31', 2)],
    ],
    [
      'lib @ https://example.org/lib-1.0-py3-none-any.whl\n',
      [at('lib @ https://example.org/lib-1.0-py3-none-any.whl', 1)],
    ],
    ['-e .\n--editable=./libs/x\n', [at('.', 1), at('./libs/x', 2)]],
  ])('%j → %j', async (text, requirements) => {
    await put({ 'requirements.txt': text });
    expect(readRequirements(fixture.repo, 'requirements.txt')).toEqual({
      file: 'requirements.txt',
      format: 'requirements',
      pythonConstraint: undefined,
      pythonSource: undefined,
      requirements,
      constraints: [],
      pipOptions: [],
      conda: undefined,
    });
  });

  it.each([
    ['--index-url https://pypi.internal/simple', '--index-url https://pypi.internal/simple'],
    ['-i https://pypi.internal/simple', '--index-url https://pypi.internal/simple'],
    [
      '--extra-index-url=https://download.pytorch.org/whl/cpu',
      '--extra-index-url https://download.pytorch.org/whl/cpu',
    ],
    ['-f https://example.org/wheels/', '--find-links https://example.org/wheels/'],
    ['--trusted-host pypi.internal', '--trusted-host pypi.internal'],
    ['--pre', '--pre'],
    ['--only-binary :all:', '--only-binary :all:'],
    ['--require-hashes', '--require-hashes'],
  ])('carries the pip option %j to pip as %j', async (line, option) => {
    await put({ 'requirements.txt': `${line}\nnumpy\n` });
    const spec = readRequirements(fixture.repo, 'requirements.txt');
    expect([spec.pipOptions, spec.requirements.length]).toEqual([[{ option, file: 'requirements.txt', line: 1 }], 1]);
  });

  it.each([['--use-feature fast-deps'], ['--index-url'], ['--pre now']])(
    'refuses the option line %j, naming the line',
    async (line) => {
      await put({ 'requirements.txt': `numpy\n${line}\n` });
      expect(refusal('requirements.txt').message).toContain('line 2');
    },
  );

  it('inlines -r includes in place, relative to the including file, and reads each file once', async () => {
    await put({
      'requirements.txt': 'first\n-r reqs/more.txt\n--requirement=reqs/more.txt\nlast\n',
      'reqs/more.txt': 'more-a\n-r ../base.txt\nmore-b\n',
      'base.txt': 'base\n-r requirements.txt\n',
    });
    expect(readRequirements(fixture.repo, 'requirements.txt').requirements).toEqual([
      { requirement: 'first', file: 'requirements.txt', line: 1 },
      { requirement: 'more-a', file: 'reqs/more.txt', line: 1 },
      { requirement: 'base', file: 'base.txt', line: 1 },
      { requirement: 'more-b', file: 'reqs/more.txt', line: 3 },
      { requirement: 'last', file: 'requirements.txt', line: 4 },
    ]);
  });

  it.each([['-c constraints.txt'], ['--constraint constraints.txt'], ['--constraint=constraints.txt']])(
    'reads the constraints include %j into the constraints, not the requirements',
    async (line) => {
      await put({
        'requirements.txt': `numpy\n${line}\n`,
        'constraints.txt': 'numpy<2\n-r more.txt\n',
        'more.txt': 'protobuf<5\n',
      });
      const spec = readRequirements(fixture.repo, 'requirements.txt');
      expect([spec.requirements.map((item) => item.requirement), spec.constraints]).toEqual([
        ['numpy'],
        [
          { requirement: 'numpy<2', file: 'constraints.txt', line: 1 },
          { requirement: 'protobuf<5', file: 'more.txt', line: 1 },
        ],
      ]);
    },
  );

  it.each([
    ['requirements.txt', '-r ../outside.txt'],
    ['requirements.txt', '-r /etc/passwd'],
    ['requirements.txt', '-c ../constraints.txt'],
    ['requirements.txt', '--requirement=sub/../../outside.txt'],
    ['reqs/dev.txt', '-r ../../outside.txt'],
  ])('refuses an include in %s that leaves the fixture.repo (%j), naming the including file', async (file, line) => {
    await writeFile(join(fixture.scratch, 'outside.txt'), 'evil\n');
    await put({ 'requirements.txt': '-r reqs/dev.txt\n', 'reqs/dev.txt': 'dev\n' });
    await put({ [file]: `numpy\n${line}\n` });
    expect(refusal('requirements.txt').file).toBe(file);
  });

  it('follows an include that climbs out of a sub-folder but stays in the repo', async () => {
    await put({ 'requirements.txt': '-r reqs/dev.txt\n', 'reqs/dev.txt': '-r ../base.txt\n', 'base.txt': 'base\n' });
    expect(readRequirements(fixture.repo, 'requirements.txt').requirements).toEqual([
      { requirement: 'base', file: 'base.txt', line: 1 },
    ]);
  });

  it.each([['requirements.txt'], ['missing.txt']])(
    'refuses an unreadable file (%s includes a missing one)',
    async (file) => {
      await put({ 'requirements.txt': '-r missing.txt\n' });
      expect(refusal(file).file).toBe('missing.txt');
    },
  );
});
