import { chmod, chown, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { connectAsync } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE_REPO, BASE_IMAGE_TAG, ensureBaseImage } from './helpers/base-image.js';
import { liveChildPids } from './helpers/child-processes.js';
import { addCommit, createFixtureRepo } from './helpers/fixture-repo.js';
import { startGitDaemon } from './helpers/git-daemon.js';
import { readTree, treeDifferences } from './helpers/image-tree.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { recordMqtt } from './helpers/mqtt-recorder.js';
import { startObserver } from './helpers/observer.js';
import { isListening } from './helpers/ports.js';
import { startRegistry } from './helpers/registry.js';
import { listTags } from './helpers/registry-api.js';

// Stop functions run in reverse order even when a test fails half-way; then nothing may be left.
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  expect(await liveChildPids()).toEqual([]);
});

async function publish(url: string, topic: string, payload: string): Promise<void> {
  const client = await connectAsync(url, { reconnectPeriod: 0 }, false);
  try {
    await client.publishAsync(topic, payload, { qos: 1 });
  } finally {
    await client.endAsync();
  }
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flops-smoke-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('test helpers', () => {
  it('mosquitto delivers messages, also after a restart on the same port', async () => {
    const broker = await startMosquitto();
    cleanups.push(broker.stop);
    const recording = await recordMqtt(broker.url, ['smoke/#']);
    cleanups.push(recording.close);

    await publish(broker.url, 'smoke/a', JSON.stringify({ n: 1 }));
    expect((await recording.waitFor((m) => m.topic === 'smoke/a', 5_000)).json()).toEqual({ n: 1 });

    await broker.restart();
    expect(await isListening(broker.port)).toBe(true);
    await recording.subscribed();
    await publish(broker.url, 'smoke/b', 'after restart');
    const again = await recording.waitFor((m) => m.topic === 'smoke/b', 10_000);
    expect(again.payload).toBe('after restart');

    await recording.close();
    await broker.stop();
    expect(await isListening(broker.port)).toBe(false);
  }, 30_000);

  it('registry with htpasswd serves the pushed base image and keeps it across a restart', async () => {
    const registry = await startRegistry({ htpasswd: { user: 'flops', password: 's3cret' } });
    cleanups.push(registry.stop);
    await expect(listTags({ url: registry.url }, BASE_IMAGE_REPO)).rejects.toThrow(/HTTP 401/);

    const ref = await ensureBaseImage(registry);
    expect(ref).toBe(`${registry.hostPort}/${BASE_IMAGE_REPO}:${BASE_IMAGE_TAG}`);
    expect(await registry.listTags(BASE_IMAGE_REPO)).toEqual([BASE_IMAGE_TAG]);
    const manifest = await registry.getManifest(BASE_IMAGE_REPO, BASE_IMAGE_TAG);
    expect(manifest.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(manifest.mediaType).toMatch(/manifest/);
    expect(manifest.body.layers?.length).toBeGreaterThan(0);
    expect(await registry.getConfigLabels(BASE_IMAGE_REPO, manifest.digest)).toHaveProperty('io.buildah.version');

    await registry.restart();
    expect((await registry.getManifest(BASE_IMAGE_REPO, BASE_IMAGE_TAG)).digest).toBe(manifest.digest);
    expect(await registry.listTags('no/such-repo')).toEqual([]);

    await registry.stop();
    expect(await isListening(registry.port)).toBe(false);
  }, 600_000);

  it('git daemon serves a fixture repo and its later commits', async () => {
    const daemon = await startGitDaemon();
    cleanups.push(daemon.stop);
    const source = await tempDir();
    await writeFile(join(source, 'README.md'), 'from folder\n');
    await writeFile(join(source, 'drop-me.txt'), 'deleted by files\n');
    const repo = await createFixtureRepo(daemon, {
      owner: 'alice',
      name: 'mnist',
      from: source,
      files: { 'pkg/model.py': 'x = 1\n', 'drop-me.txt': null },
    });
    expect(repo.url).toBe(`git://127.0.0.1:${daemon.port}/alice/mnist.git`);
    expect(repo.sha).toMatch(/^[0-9a-f]{40}$/);

    const clone = join(await tempDir(), 'clone');
    await execa('git', ['clone', '--quiet', repo.url, clone], { timeout: 30_000 });
    expect((await execa('git', ['rev-parse', 'HEAD'], { cwd: clone })).stdout).toBe(repo.sha);
    expect(await readFile(join(clone, 'README.md'), 'utf8')).toBe('from folder\n');
    expect(await readFile(join(clone, 'pkg/model.py'), 'utf8')).toBe('x = 1\n');
    await expect(readFile(join(clone, 'drop-me.txt'), 'utf8')).rejects.toThrow(/ENOENT/);

    const next = await addCommit(repo, { 'pkg/model.py': 'x = 2\n' });
    expect(next).not.toBe(repo.sha);
    const remote = await execa('git', ['ls-remote', repo.url, 'refs/heads/main'], { timeout: 30_000 });
    expect(remote.stdout.split('\t')[0]).toBe(next);

    await daemon.stop();
    expect(await isListening(daemon.port)).toBe(false);
  }, 60_000);

  it('observer records one message per connection', async () => {
    const observer = await startObserver();
    cleanups.push(observer.close);
    const socket = connect({ host: observer.host, port: observer.port });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.end('build failed: run again after fixing requirements.txt\n');
    expect(await observer.waitFor((line) => line.startsWith('build failed'), 5_000)).toBe(
      'build failed: run again after fixing requirements.txt\n',
    );
    expect(observer.lines).toHaveLength(1);
    await observer.close();
  }, 15_000);

  it('image tree reads type, owner, mode, link target and content of every entry, whatever its name', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'opt/venv'), { recursive: true });
    await writeFile(join(root, 'opt/venv/a.py'), 'print(1)\n');
    await writeFile(join(root, 'opt/venv/odd name\nwith newline'), '');
    await chmod(join(root, 'opt/venv/a.py'), 0o4755);
    await chown(join(root, 'opt/venv'), 10001, 10001);
    await symlink('/usr/bin/python3', join(root, 'opt/venv/python'));
    const tree = await readTree(root);
    expect(Object.fromEntries(tree)).toEqual({
      '/opt': 'd 0:0 755',
      '/opt/venv': 'd 10001:10001 755',
      '/opt/venv/a.py': 'f 0:0 4755 cc42155088fca5730758db72b2a5bca33112a941dfaa2d43098ec422ce4ea213',
      '/opt/venv/odd name\nwith newline': 'f 0:0 644 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      '/opt/venv/python': 'l 0:0 777 /usr/bin/python3',
    });
    await writeFile(join(root, 'opt/venv/a.py'), 'print(2)\n');
    expect(treeDifferences(tree, await readTree(root))).toEqual([
      expect.stringMatching(/^\/opt\/venv\/a\.py: f 0:0 4755 \w{64} \| f 0:0 \d+ \w{64}$/),
    ]);
  });
});
