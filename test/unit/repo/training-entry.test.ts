import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhaseError } from '../../../src/errors.js';
import { findTrainingEntry } from '../../../src/repo/training-entry.js';

let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'entry-'));
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

const write = async (path: string, text = ''): Promise<void> => {
  await mkdir(join(repo, path, '..'), { recursive: true });
  await writeFile(join(repo, path), text);
};
const codeOf = (asked?: string): string => {
  try {
    findTrainingEntry(repo, asked);
  } catch (error) {
    if (error instanceof PhaseError) return error.code;
    throw error;
  }
  return 'none';
};

describe('the training entry', () => {
  it('is the file --entry names, before train.py and the pyproject script', async () => {
    await write('src/fit.py');
    await write('train.py');
    await write('pyproject.toml', '[project.scripts]\ntrain = "iris.cli:main"\n');
    expect(findTrainingEntry(repo, 'src/fit.py')).toEqual({ kind: 'file', value: 'src/fit.py', source: '--entry' });
    expect(findTrainingEntry(repo, undefined)).toEqual({ kind: 'file', value: 'train.py', source: 'default' });
  });

  it("is the pyproject's train script without a train.py", async () => {
    await write('pyproject.toml', '[project]\nname = "iris"\n[project.scripts]\ntrain = " iris.cli:main "\n');
    expect(findTrainingEntry(repo, undefined)).toEqual({
      kind: 'function',
      value: 'iris.cli:main',
      source: 'pyproject',
    });
  });

  it.each([
    ['--entry naming no file', async () => write('train.py'), 'missing.py'],
    ['--entry naming a folder', async () => write('fit.py/x'), 'fit.py'],
    ['no train.py and no pyproject', async () => write('model.py'), undefined],
    [
      'a pyproject without a train script',
      async () => write('pyproject.toml', '[project.scripts]\nfit = "a:b"\n'),
      undefined,
    ],
    [
      'a train script that is no module:function',
      async () => write('pyproject.toml', '[project.scripts]\ntrain = "run it"\n'),
      undefined,
    ],
  ])('is refused with TRAINING_ENTRY_MISSING for %s', async (_what, setUp, asked) => {
    await setUp();
    expect(codeOf(asked)).toBe('TRAINING_ENTRY_MISSING');
  });
});
