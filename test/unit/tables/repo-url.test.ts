import { describe, expect, it } from 'vitest';
import { parseRepoUrl, stripUserInfo } from '../../../src/tables/repo-url.js';

describe('parseRepoUrl', () => {
  it.each([
    ['https://github.com/Alice/MNIST.git', 'https://github.com/Alice/MNIST.git', 'Alice', 'MNIST'],
    ['https://github.com/alice/mnist', 'https://github.com/alice/mnist', 'alice', 'mnist'],
    ['https://github.com/alice/mnist/', 'https://github.com/alice/mnist/', 'alice', 'mnist'],
    ['https://github.com/alice/mnist.git/', 'https://github.com/alice/mnist.git/', 'alice', 'mnist'],
    ['https://gitlab.com/group/sub/alice/mnist.git', 'https://gitlab.com/group/sub/alice/mnist.git', 'alice', 'mnist'],
    ['http://git.local:3000/alice/mnist.git', 'http://git.local:3000/alice/mnist.git', 'alice', 'mnist'],
    ['git://git.local/alice/mnist', 'git://git.local/alice/mnist', 'alice', 'mnist'],
    ['ssh://git@git.local:2222/alice/mnist.git', 'ssh://git.local:2222/alice/mnist.git', 'alice', 'mnist'],
    ['git@github.com:alice/mnist.git', 'git@github.com:alice/mnist.git', 'alice', 'mnist'],
    ['github.com:alice/my.repo', 'github.com:alice/my.repo', 'alice', 'my.repo'],
    ['https://oauth2:ghp_secret@github.com/alice/mnist.git', 'https://github.com/alice/mnist.git', 'alice', 'mnist'],
    ['https://token@github.com/alice/mnist', 'https://github.com/alice/mnist', 'alice', 'mnist'],
    ['https://github.com/alice/my%20repo', 'https://github.com/alice/my%20repo', 'alice', 'my repo'],
  ])('%j → display %j, owner %j, name %j', (text, display, owner, name) => {
    expect(parseRepoUrl(text, false)).toEqual({ kind: 'git', url: text, display, owner, name });
  });

  it.each([
    ['file:///srv/repos/alice/mnist', 'alice', 'mnist'],
    ['file:///srv/repos/alice/mnist.git/', 'alice', 'mnist'],
  ])('accepts %j only when file URLs are allowed', (text, owner, name) => {
    expect(typeof parseRepoUrl(text, false)).toBe('string');
    expect(parseRepoUrl(text, true)).toEqual({ kind: 'git', url: text, display: text, owner, name });
  });

  it.each([
    ['-uhttps://github.com/alice/mnist'],
    ['--upload-pack=evil'],
    ['https://github.com/alice /mnist'],
    ['ftp://host/alice/mnist'],
    ['ext::sh -c evil'],
    ['https://github.com/mnist'],
    ['https://github.com/'],
    ['https://github.com/alice/.git'],
    ['git@github.com:mnist'],
    ['git@github.com:../alice/mnist'],
    ['git@github.com:alice/../mnist'],
    ['https://github.com/alice/..%2Fmnist'],
    ['/srv/repos/alice/mnist'],
    ['./alice/mnist'],
    ['https://[bad/alice/mnist'],
    [''],
  ])('refuses %j', (text) => {
    expect(typeof parseRepoUrl(text, true)).toBe('string');
  });

  it('refuses ".." in a file URL even when file URLs are allowed', () => {
    expect(typeof parseRepoUrl('file:///srv/../etc/alice/mnist', true)).toBe('string');
  });
});

describe('parseRepoUrl: folders and archives', () => {
  it.each([
    [
      'dir:///srv/projects/Alice/MNIST',
      { kind: 'folder', path: '/srv/projects/Alice/MNIST', owner: 'Alice', name: 'MNIST' },
    ],
    ['dir:///mnt/alice/mnist/', { kind: 'folder', path: '/mnt/alice/mnist', owner: 'alice', name: 'mnist' }],
  ])('%j is a folder, only with --allow-file-url', (text, expected) => {
    expect(parseRepoUrl(text, false)).toContain('--allow-file-url');
    expect(parseRepoUrl(text, true)).toEqual({ ...expected, url: text, display: text });
  });

  it.each([
    ['https://files.example.org/alice/mnist.tar.gz', 'alice', 'mnist'],
    ['https://files.example.org/x/alice/MNIST-v2.tgz', 'alice', 'MNIST-v2'],
    ['http://127.0.0.1:8080/alice/mnist.TAR.GZ', 'alice', 'mnist'],
    ['https://codehost.example/alice/mnist/archive/refs/heads/main.tar.gz', 'heads', 'main'],
  ])('%j is an archive over HTTP named %s/%s', (text, owner, name) => {
    expect(parseRepoUrl(text, false)).toEqual({
      kind: 'archive',
      transport: 'http',
      url: text,
      display: text,
      owner,
      name,
    });
  });

  it('shows an archive URL without its credentials', () => {
    expect(parseRepoUrl('https://user:secret1@files.example.org/alice/mnist.tgz', false)).toMatchObject({
      display: 'https://files.example.org/alice/mnist.tgz',
      kind: 'archive',
    });
  });

  it.each([
    ['s3://ml-builds/projects/alice/mnist.tar.gz', 'projects/alice/mnist.tar.gz', 'alice', 'mnist'],
    ['s3://ml-builds/alice/context.tgz', 'alice/context.tgz', 'alice', 'context'],
    ['s3://team-alice/context.tar.gz', 'context.tar.gz', 'team-alice', 'context'],
  ])('%j is an S3 archive, key %j, named %s/%s', (text, key, owner, name) => {
    expect(parseRepoUrl(text, false)).toEqual({
      kind: 'archive',
      transport: 's3',
      bucket: text.slice(5, text.indexOf('/', 5)),
      key,
      url: text,
      display: text,
      owner,
      name,
    });
  });

  it.each([
    ['dir://relative/alice/mnist', 'absolute'],
    ['dir:///srv/../etc/alice/mnist', '..'],
    ['dir:///mnist', '<owner>/<repo>'],
    ['s3://ml-builds/alice/mnist.zip', '.tar.gz'],
    ['s3://ml-builds/alice/mnist', '.tar.gz'],
    ['s3://Bad_Bucket/alice/mnist.tar.gz', 'bucket'],
    ['s3://ml-builds/alice/../mnist.tar.gz', '..'],
    ['s3://user@ml-builds/alice/mnist.tar.gz', 'bucket'],
    ['https://files.example.org/mnist.tar.gz', '<owner>/<name>.tar.gz'],
    ['https://files.example.org/alice/.tar.gz', '<owner>/<name>.tar.gz'],
  ])('refuses %j, saying %j', (text, says) => {
    expect(parseRepoUrl(text, true)).toContain(says);
  });
});

describe('stripUserInfo', () => {
  it.each([
    ['https://user:pw@host/a/b', 'https://host/a/b'],
    ['ssh://git@host/a/b', 'ssh://host/a/b'],
    ['https://host/a/b', 'https://host/a/b'],
    ['git@host:a/b', 'git@host:a/b'],
  ])('%j → %j', (url, shown) => {
    expect(stripUserInfo(url)).toBe(shown);
  });
});

describe('parseRepoUrl: hosts that would reach git or ssh as options', () => {
  it.each([
    'ssh://-oProxyCommand=touch${IFS}pwned/alice/mnist',
    'git@-oProxyCommand=x:alice/mnist',
    'https://-evil/alice/mnist',
    'http://[not-v6]/alice/mnist',
  ])('refuses %j', (text) => {
    expect(typeof parseRepoUrl(text, false)).toBe('string');
  });

  it('accepts IPv4 and bracketed IPv6 hosts', () => {
    expect(parseRepoUrl('git://127.0.0.1:9418/alice/mnist.git', false)).toMatchObject({
      owner: 'alice',
      name: 'mnist',
    });
    expect(parseRepoUrl('https://[::1]:8443/alice/mnist.git', false)).toMatchObject({ owner: 'alice', name: 'mnist' });
  });
});
