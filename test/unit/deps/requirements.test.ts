import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvFileError } from '../../../src/deps/env-spec.js';
import { readRequirements } from '../../../src/deps/requirements.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

let scratch: string;
let repo: string;
beforeEach(async () => {
  scratch = await makeTempDir('requirements');
  repo = join(scratch, 'repo');
  await mkdir(repo);
});
afterEach(() => removeTempDir(scratch));

async function put(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), text);
  }
}

function refusal(file: string): EnvFileError {
  try {
    readRequirements(repo, file);
  } catch (error) {
    if (error instanceof EnvFileError) return error;
    throw error;
  }
  throw new Error('expected an EnvFileError');
}

describe('readRequirements', () => {
  it.each<[string, string[]]>([
    ['numpy==1.26.4\ntorch\n', ['numpy==1.26.4', 'torch']],
    ['# a comment\n\n   \nnumpy  # pinned below\n', ['numpy']],
    ['git+https://github.com/a/b.git#egg=b\n', ['git+https://github.com/a/b.git#egg=b']],
    ['numpy#not-a-comment\n', ['numpy#not-a-comment']],
    ['torch==2.1.0 \\\n    --hash=sha256:abc\n', ['torch==2.1.0      --hash=sha256:abc']],
    ['pandas\\\r\n>=2\r\nscipy\r\n', ['pandas >=2', 'scipy']],
    ['--index-url https://pypi.internal/simple\n-e .\nnumpy ; python_version < "3.12"\n', ['--index-url https://pypi.internal/simple', '-e .', 'numpy ; python_version < "3.12"']],
  ])('%j → %j', async (text, requirements) => {
    await put({ 'requirements.txt': text });
    expect(readRequirements(repo, 'requirements.txt')).toEqual({
      file: 'requirements.txt',
      format: 'requirements',
      pythonConstraint: undefined,
      requirements,
      condaName: undefined,
      convertedCondaPackages: [],
    });
  });

  it('inlines -r includes in place, relative to the including file, and reads each file once', async () => {
    await put({
      'requirements.txt': 'first\n-r reqs/more.txt\n--requirement=reqs/more.txt\nlast\n',
      'reqs/more.txt': 'more-a\n-r ../base.txt\nmore-b\n',
      'base.txt': 'base\n-r requirements.txt\n',
    });
    expect(readRequirements(repo, 'requirements.txt').requirements).toEqual(['first', 'more-a', 'base', 'more-b', 'last']);
  });

  it.each([['-c constraints.txt'], ['--constraint constraints.txt'], ['--constraint=constraints.txt']])(
    'adds no requirement for the constraints include %j',
    async (line) => {
      await put({ 'requirements.txt': `numpy\n${line}\n`, 'constraints.txt': 'numpy<2\n' });
      expect(readRequirements(repo, 'requirements.txt').requirements).toEqual(['numpy']);
    },
  );

  it.each([
    ['requirements.txt', '-r ../outside.txt'],
    ['requirements.txt', '-r /etc/passwd'],
    ['requirements.txt', '-c ../constraints.txt'],
    ['requirements.txt', '--requirement=sub/../../outside.txt'],
    ['reqs/dev.txt', '-r ../../outside.txt'],
  ])('refuses an include in %s that leaves the repo (%j), naming the including file', async (file, line) => {
    await writeFile(join(scratch, 'outside.txt'), 'evil\n');
    await put({ 'requirements.txt': '-r reqs/dev.txt\n', 'reqs/dev.txt': 'dev\n' });
    await put({ [file]: `numpy\n${line}\n` });
    expect(refusal('requirements.txt').file).toBe(file);
  });

  it('follows an include that climbs out of a sub-folder but stays in the repo', async () => {
    await put({ 'requirements.txt': '-r reqs/dev.txt\n', 'reqs/dev.txt': '-r ../base.txt\n', 'base.txt': 'base\n' });
    expect(readRequirements(repo, 'requirements.txt').requirements).toEqual(['base']);
  });

  it.each([['requirements.txt'], ['missing.txt']])('refuses an unreadable file (%s includes a missing one)', async (file) => {
    await put({ 'requirements.txt': '-r missing.txt\n' });
    expect(refusal(file).file).toBe('missing.txt');
  });
});
