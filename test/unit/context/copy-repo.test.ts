import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { copyRepo } from '../../../src/context/copy-repo.js';
import { useScratchRepo } from '../../helpers/scratch-repo.js';

const fixture = useScratchRepo('copy-repo');
const put = fixture.put;
const target = (): string => join(fixture.scratch, 'context');
beforeEach(() => mkdir(target()));

// Every file and link under a folder, as sorted relative paths.
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('copyRepo', () => {
  it('copies everything but .git when there is no .dockerignore', async () => {
    await put({
      '.git/config': '[remote]',
      '.git/objects/ab/cd': 'x',
      'train.py': 'print(1)',
      'pkg/model.py': 'm',
      '.github/ci.yml': 'y',
      '.gitignore': '*.pyc',
    });
    const report = await copyRepo(fixture.repo, target());
    expect(report).toEqual({ files: 4, excluded: 0, escapingLinks: [] });
    expect(await tree(target())).toEqual(['.github/ci.yml', '.gitignore', 'pkg/model.py', 'train.py']);
    expect(await readFile(join(target(), 'pkg/model.py'), 'utf8')).toBe('m');
  });

  it('applies --ignore patterns after the repo\'s .dockerignore, which they can also override with "!"', async () => {
    await put({
      '.dockerignore': 'data/\n',
      'train.py': 't',
      'notes/a.txt': 'x',
      'weights/model.ckpt': 'x',
      'data/keep.csv': 'k',
      'data/drop.csv': 'x',
    });
    const report = await copyRepo(fixture.repo, target(), ['notes/', '**/*.ckpt', '!data/keep.csv']);
    expect(await tree(target())).toEqual(['.dockerignore', 'data/keep.csv', 'train.py']);
    expect(report.excluded).toBe(3);
  });

  it('applies .dockerignore as a docker build would, "!" exceptions and folder patterns included', async () => {
    await put({
      '.git/HEAD': 'ref',
      '.dockerignore': '# comment\n*.log\ndata/\n!data/keep.txt\nsecrets\ndocs/**/*.md\n!docs/README.md\n',
      'train.py': 't',
      'app.log': 'x',
      'sub/app.log': 'kept: *.log matches the root only',
      'data/x.csv': 'x',
      'data/keep.txt': 'k',
      'data/deeper/y.bin': 'x',
      'secrets/key.pem': 'x',
      'docs/README.md': 'r',
      'docs/api/a.md': 'x',
      'docs/api/a.txt': 'a',
    });
    const report = await copyRepo(fixture.repo, target());
    expect(await tree(target())).toEqual([
      '.dockerignore',
      'data/keep.txt',
      'docs/README.md',
      'docs/api/a.txt',
      'sub/app.log',
      'train.py',
    ]);
    expect(report).toEqual({ files: 6, excluded: 5, escapingLinks: [] });
  });

  it('reads .dockerignore with Windows line ends', async () => {
    await put({ '.dockerignore': '*.log\r\n!keep.log\r\n', 'a.log': 'x', 'keep.log': 'k' });
    await copyRepo(fixture.repo, target());
    expect(await tree(target())).toEqual(['.dockerignore', 'keep.log']);
  });

  it('reports links that escape the fixture.repo and does not copy them; keeps links inside it', async () => {
    await put({ 'train.py': 't', 'pkg/model.py': 'm' });
    await writeFile(join(fixture.scratch, 'outside.txt'), 'secret');
    await mkdir(join(fixture.scratch, 'outside-dir'));
    await symlink('../outside.txt', join(fixture.repo, 'up-and-out'));
    await symlink(join(fixture.scratch, 'outside.txt'), join(fixture.repo, 'absolute-out'));
    await symlink('/etc', join(fixture.repo, 'etc-dir'));
    await symlink('../outside-dir', join(fixture.repo, 'pkg-dir-out'));
    await symlink('../../nowhere/at/all', join(fixture.repo, 'dangling-out'));
    await symlink('train.py', join(fixture.repo, 'alias.py'));
    await symlink('../train.py', join(fixture.repo, 'pkg', 'up.py'));
    await symlink('pkg', join(fixture.repo, 'pkg-link'));

    const report = await copyRepo(fixture.repo, target());
    expect([...report.escapingLinks].sort()).toEqual([
      'absolute-out',
      'dangling-out',
      'etc-dir',
      'pkg-dir-out',
      'up-and-out',
    ]);
    expect(report.files).toBe(5);
    expect(await tree(target())).toEqual(['alias.py', 'pkg-link', 'pkg/model.py', 'pkg/up.py', 'train.py']);
    expect((await lstat(join(target(), 'alias.py'))).isSymbolicLink()).toBe(true);
    expect([
      await readlink(join(target(), 'alias.py')),
      await readlink(join(target(), 'pkg/up.py')),
      await readlink(join(target(), 'pkg-link')),
    ]).toEqual(['train.py', '../train.py', 'pkg']);
  });

  it('lets .dockerignore drop an escaping link before it is reported', async () => {
    await put({ '.dockerignore': 'vendor-link\n', 'train.py': 't' });
    await symlink('/etc', join(fixture.repo, 'vendor-link'));
    const report = await copyRepo(fixture.repo, target());
    expect(report).toEqual({ files: 2, excluded: 1, escapingLinks: [] });
  });
});

describe('copyRepo: .git at any depth', () => {
  it("leaves out a submodule's .git file and any nested .git folder", async () => {
    await put({
      'sub/.git': 'gitdir: ../.git/modules/sub',
      'sub/lib.py': 'x',
      'vendored/.git/config': '[remote "origin"]\n\turl = https://tok@h/x',
      'vendored/a.py': 'a',
    });
    await copyRepo(fixture.repo, target());
    expect(await tree(target())).toEqual(['sub/lib.py', 'vendored/a.py']);
  });
});
