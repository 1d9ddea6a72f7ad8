// The sources beyond git, end to end against real services: a folder (dir://), an archive over HTTP, an archive in
// S3 (moto's server, checking keys). Each builds and pushes images named and tagged from what it holds; a second run
// skips; each hostile archive and each S3 failure is refused at clone with its own code, writing nothing outside the
// job's work folder and printing no credential.

import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGER_TOPICS, progressTopic } from '../../src/report/messages.js';
import { phaseNames } from '../../src/tables/phase-table.js';
import { type ArchiveEntry, writeArchive } from '../helpers/archives.js';
import { containerFrom, imageContains } from '../helpers/buildah.js';
import { type FileServer, startFileServer } from '../helpers/file-server.js';
import { type S3Server, startS3Server } from '../helpers/python-servers.js';
import { type BuilderRun, runBuilder, startBuilder } from '../helpers/run-builder.js';
import { builderArgs, type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
const BUILD_TIMEOUT = 25 * 60_000;
const PHASES = phaseNames('fl_actors');
const BUCKET = 'flops-sources';
const NOTES_MARKER = 'flops-notes-marker-4711';

describe('sources beyond git', () => {
  let services: PipelineServices;
  let s3: S3Server;
  let files: FileServer;
  let tmp: string;
  /** The example project as a folder the builder can see: <tmp>/projects/Alice/NumPy-Regression. */
  let folder: string;
  let s3Env: Record<string, string>;
  /** Accepts connections and never answers. */
  let silent: Server;
  let silentPort = 0;
  const silentSockets: Socket[] = [];

  const sha256 = async (file: string): Promise<string> =>
    createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  const forProject = (projectId: string) =>
    services.mqtt.messages.filter((m) => m.payload.includes(`"flops_project_id":"${projectId}"`));
  const outcome = async (projectId: string, topic: string) =>
    (await services.mqtt.waitFor((m) => m.topic === topic && m.json().flops_project_id === projectId)).json();
  const put = async (key: string, file: string): Promise<void> => {
    const client = s3Client();
    try {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: await readFile(file) }));
    } finally {
      client.destroy();
    }
  };
  const s3Client = (): S3Client =>
    new S3Client({ region: 'us-east-1', endpoint: s3.url, forcePathStyle: true, credentials: s3.credentials });

  beforeAll(async () => {
    services = await startPipelineServices();
    s3 = await startS3Server();
    tmp = await makeTempDir('sources');
    folder = join(tmp, 'projects', 'Alice', 'NumPy-Regression');
    await cp(EXAMPLE, folder, { recursive: true });
    // Notes the folder build leaves out with --ignore; the archives' builds keep them.
    await mkdir(join(folder, 'notes'));
    await writeFile(join(folder, 'notes', 'meeting.txt'), `${NOTES_MARKER}\n`);
    await mkdir(join(tmp, 'served'));
    files = await startFileServer(join(tmp, 'served'));
    const client = s3Client();
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    client.destroy();
    silent = createServer((socket) => silentSockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as AddressInfo).port;
    s3Env = {
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_DEFAULT_REGION: 'eu-central-1',
      AWS_ENDPOINT_URL_S3: s3.url,
    };
  }, 600_000);

  afterAll(async () => {
    for (const socket of silentSockets) socket.destroy();
    silent?.close();
    await files?.stop();
    await s3?.stop();
    await services?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  /** Builds from `url`, checks the images, then runs again and checks that it skips. */
  async function buildsThenSkips(
    url: string,
    tag: string,
    projectId: string,
    env: Record<string, string> = {},
    options: readonly string[] = [],
  ) {
    const args = builderArgs(services, url, projectId, [
      '--ca-cert',
      MACHINE_CA_BUNDLE,
      '--allow-file-url',
      ...options,
    ]);
    const first = await runBuilder(args, env, BUILD_TIMEOUT);
    expect(first.exitCode, first.stderr + first.stdout.slice(-4000)).toBe(0);
    const success = await outcome(projectId, MANAGER_TOPICS.success);
    const learner = `${services.registry.hostPort}/alice/numpy-regression/learner:${tag}`;
    expect(success).toMatchObject({
      commit_sha: tag,
      skipped: false,
      learner_image: { reference: learner },
      aggregator_image: { reference: `${services.registry.hostPort}/alice/numpy-regression/aggregator:${tag}` },
    });
    expect(await services.registry.listTags('alice/numpy-regression/learner')).toContain(tag);
    const labels = await services.registry.getConfigLabels('alice/numpy-regression/learner', tag);
    expect(labels['org.opencontainers.image.revision']).toBe(tag);

    const again = await runBuilder(args, env, BUILD_TIMEOUT);
    expect(again.exitCode, again.stderr + again.stdout.slice(-4000)).toBe(0);
    const skipped = (
      await services.mqtt.waitFor(
        (m) =>
          m.topic === MANAGER_TOPICS.success && m.json().flops_project_id === projectId && m.json().skipped === true,
      )
    ).json();
    expect(skipped.skip_reason).toContain(tag.slice(0, 12));
    const events = forProject(projectId)
      .filter((m) => m.topic === progressTopic(projectId))
      .map((m) => `${m.json().phase}:${m.json().state}`);
    expect(events.slice(-PHASES.length)).toEqual(['clone:done', ...PHASES.slice(1).map((phase) => `${phase}:skipped`)]);
    return { first, again };
  }

  it(
    'builds from a folder (dir://), tagged by its file list, and skips the second time',
    async () => {
      // The tag as documented: sha256 of sorted "<mode> <sha256> <path>" lines, computed here with the shell's tools.
      const { stdout } = await execa(
        'bash',
        [
          '-c',
          `cd "$1" && find . -path ./.git -prune -o \\( -type f -o -type l \\) -print | sed 's|^\\./||' | LC_ALL=C sort | while IFS= read -r f; do
             if [ -L "$f" ]; then h=$(printf '%s' "$(readlink "$f")" | sha256sum | cut -c1-64); else h=$(sha256sum < "$f" | cut -c1-64); fi
             printf '%o %s %s\\n' "0x$(stat -c '%f' "$f")" "$h" "$f"
           done | sha256sum | cut -c1-40`,
          'tag',
          folder,
        ],
        { shell: false },
      );
      const tag = stdout.trim();
      const settings = ['--label', 'team=vision', '--label', 'com.example.cost-center=42', '--ignore', 'notes/'];
      await buildsThenSkips(`dir://${folder}`, tag, 'src-folder', {}, settings);
      const learner = `alice/numpy-regression/learner`;
      expect(await services.registry.getConfigLabels(learner, tag)).toMatchObject({
        team: 'vision',
        'com.example.cost-center': '42',
      });
      expect(await services.registry.getConfigLabels('alice/numpy-regression/aggregator', tag)).toMatchObject({
        team: 'vision',
      });
      const inject = forProject('src-folder')
        .map((m) => m.json())
        .find((event) => event.phase === 'inject' && event.state === 'done');
      expect(inject.detail).toMatchObject({
        ignore: ['notes/'],
        labels: { team: 'vision', 'com.example.cost-center': '42' },
      });
      expect(inject.detail.summary).toContain('--ignore notes/');
      const container = await containerFrom(`${services.registry.hostPort}/${learner}:${tag}`);
      try {
        expect(await imageContains(container.name, 'class ModelManager')).toBe(true);
        expect(await imageContains(container.name, NOTES_MARKER)).toBe(false);
      } finally {
        await container.remove();
      }
    },
    BUILD_TIMEOUT * 2,
  );

  it(
    'builds from an archive over HTTP with one top-level folder, tagged by its sha256, and skips the second time',
    async () => {
      const archive = join(tmp, 'served', 'alice', 'numpy-regression.tar.gz');
      await mkdir(join(tmp, 'served', 'alice'), { recursive: true });
      // As a code host's download: every entry under one folder.
      await execa('tar', [
        '-czf',
        archive,
        '-C',
        join(tmp, 'projects', 'Alice'),
        '--transform',
        's|^NumPy-Regression|numpy-regression-main|',
        'NumPy-Regression',
      ]);
      const tag = (await sha256(archive)).slice(0, 40);
      await buildsThenSkips(files.url('alice/numpy-regression.tar.gz'), tag, 'src-http');
      // Without --ignore, the notes are in the image: the check above can fail.
      const container = await containerFrom(`${services.registry.hostPort}/alice/numpy-regression/learner:${tag}`);
      try {
        expect(await imageContains(container.name, NOTES_MARKER)).toBe(true);
      } finally {
        await container.remove();
      }
    },
    BUILD_TIMEOUT * 2,
  );

  it(
    'builds from an archive in S3 made as tar -czf context.tar.gz -C <project> ., and skips the second time',
    async () => {
      const archive = join(tmp, 'context.tar.gz');
      await execa('tar', ['-czf', archive, '-C', folder, '.']);
      await put('alice/numpy-regression.tar.gz', archive);
      const tag = (await sha256(archive)).slice(0, 40);
      const { first, again } = await buildsThenSkips(
        `s3://${BUCKET}/alice/numpy-regression.tar.gz`,
        tag,
        'src-s3',
        s3Env,
      );
      expectNoCredential([first, again]);
    },
    BUILD_TIMEOUT * 2,
  );

  /** Neither key of the pair in any output: the builder's, the broker's, the observer's. */
  function expectNoCredential(runs: readonly BuilderRun[]): void {
    const printed = [
      ...runs.map((run) => run.stdout + run.stderr),
      ...services.mqtt.messages.map((m) => m.payload),
      ...services.observer.lines,
    ].join('\n');
    expect(printed).not.toContain(s3.credentials.secretAccessKey);
    expect(printed).not.toContain(s3.credentials.accessKeyId);
  }

  /** Runs the builder sandboxed (TMPDIR, HOME, cwd empty folders) and returns what the sandbox holds afterwards. */
  async function runSandboxed(url: string, projectId: string, env: Record<string, string>) {
    const sandbox = await makeTempDir('sources-bad');
    const dirs = { tmp: join(sandbox, 'tmp'), home: join(sandbox, 'home'), cwd: join(sandbox, 'cwd') };
    for (const dir of Object.values(dirs)) await mkdir(dir);
    const run = await startBuilder(
      [
        ...builderArgs(services, url, projectId, ['--max-repo-files', '50', '--max-repo-mb', '1']),
        '--workdir',
        join(sandbox, 'work'),
      ],
      { TMPDIR: dirs.tmp, HOME: dirs.home, ...env },
      { cwd: dirs.cwd, timeoutMs: 120_000 },
    ).result;
    // The clone phase's own time, as its failed event says: the machine's load does not slow a refusal's clock.
    const failedEvent = await services.mqtt.waitFor(
      (m) => m.topic === progressTopic(projectId) && m.json().phase === 'clone' && m.json().state === 'failed',
    );
    const seconds = Number(failedEvent.json().elapsed_ms) / 1000;
    const leftovers = Object.fromEntries(
      await Promise.all(Object.entries(dirs).map(async ([name, dir]) => [name, await readdir(dir)] as const)),
    );
    const outside = (await readdir(sandbox)).sort();
    await removeTempDir(sandbox);
    return { run, seconds, leftovers, outside };
  }

  const ATTACKS: readonly { name: string; entries: ArchiveEntry[]; code: string; gzip?: false }[] = [
    { name: 'absolute', entries: [{ name: '/tmp/flops-sources-evil', content: 'x' }], code: 'ARCHIVE_ABSOLUTE_PATH' },
    { name: 'parent', entries: [{ name: '../flops-sources-evil', content: 'x' }], code: 'ARCHIVE_PARENT_PATH' },
    {
      name: 'symlink-out',
      entries: [{ name: 'etc', type: 'symlink', linkname: '/etc' }],
      code: 'ARCHIVE_LINK_ESCAPES',
    },
    {
      name: 'hardlink-out',
      entries: [{ name: 'pw', type: 'link', linkname: '../../../../etc/passwd' }],
      code: 'ARCHIVE_LINK_ESCAPES',
    },
    {
      name: 'hardlink-absolute',
      entries: [{ name: 'pw', type: 'link', linkname: '/etc/passwd' }],
      code: 'ARCHIVE_LINK_ESCAPES',
    },
    {
      name: 'through-link',
      entries: [
        { name: 'up', type: 'symlink', linkname: '.' },
        { name: 'up/evil', content: 'x' },
      ],
      code: 'ARCHIVE_THROUGH_LINK',
    },
    {
      name: 'duplicate',
      entries: [
        { name: 'model_manager.py', content: 'a' },
        { name: 'model_manager.py', content: 'b' },
      ],
      code: 'ARCHIVE_DUPLICATE_ENTRY',
    },
    { name: 'device', entries: [{ name: 'null', type: 'character-device' }], code: 'ARCHIVE_SPECIAL_FILE' },
    {
      name: 'many',
      entries: Array.from({ length: 60 }, (_, i) => ({ name: `f${i}.txt`, content: `${i}` })),
      code: 'ARCHIVE_TOO_MANY_ENTRIES',
    },
    { name: 'bomb', entries: [{ name: 'zeros', content: Buffer.alloc(64 * 1024 * 1024) }], code: 'ARCHIVE_TOO_LARGE' },
    { name: 'plain-tar', entries: [{ name: 'a.txt', content: 'a' }], code: 'ARCHIVE_NOT_GZIP', gzip: false },
  ];

  it.each(ATTACKS)(
    'refuses the $name archive at clone with $code in seconds, writing nothing outside',
    async (bad) => {
      const path = join('attacks', `${bad.name}.tar.gz`);
      await mkdir(join(tmp, 'served', 'attacks'), { recursive: true });
      await writeArchive(join(tmp, 'served', path), bad.entries, bad.gzip === false ? { gzip: false } : {});
      const projectId = `attack-${bad.name}`;
      const { run, seconds, leftovers, outside } = await runSandboxed(files.url(path), projectId, {});
      expect(run.exitCode, run.stdout.slice(-2000)).toBe(10);
      const failed = await outcome(projectId, MANAGER_TOPICS.failed);
      expect(failed).toMatchObject({ phase: 'clone', code: bad.code, exit_code: 10 });
      expect(seconds).toBeLessThan(30);
      expect(leftovers).toEqual({ tmp: [], home: [], cwd: [] });
      expect(outside).toEqual(['cwd', 'home', 'tmp', 'work']);
      expect(await services.registry.listTags(`attacks/${bad.name}/learner`)).toEqual([]);
      expect(await readdir('/tmp')).not.toContain('flops-sources-evil');
    },
    120_000,
  );

  it('refuses an archive in S3 with a link out the same way', async () => {
    const archive = join(tmp, 'link-out.tar.gz');
    await writeArchive(archive, [{ name: 'passwd', type: 'symlink', linkname: '/etc/passwd' }]);
    await put('attacks/link-out.tar.gz', archive);
    const { run } = await runSandboxed(`s3://${BUCKET}/attacks/link-out.tar.gz`, 's3-link-out', s3Env);
    expect(run.exitCode).toBe(10);
    expect(await outcome('s3-link-out', MANAGER_TOPICS.failed)).toMatchObject({ code: 'ARCHIVE_LINK_ESCAPES' });
  }, 120_000);

  const DOWNLOAD_FAILURES: readonly {
    name: string;
    url: () => string;
    env: () => Record<string, string>;
    code: string;
    names: string;
    within: number;
  }[] = [
    {
      name: 'a wrong secret key',
      url: () => `s3://${BUCKET}/alice/numpy-regression.tar.gz`,
      env: () => ({ ...s3Env, AWS_SECRET_ACCESS_KEY: 'wrong-secret-key-4711' }),
      code: 'S3_ACCESS_DENIED',
      names: `s3://${BUCKET}/alice/numpy-regression.tar.gz`,
      within: 10,
    },
    {
      name: 'an unknown key id',
      url: () => `s3://${BUCKET}/alice/numpy-regression.tar.gz`,
      env: () => ({ ...s3Env, AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000000' }),
      code: 'S3_ACCESS_DENIED',
      names: `s3://${BUCKET}/alice/numpy-regression.tar.gz`,
      within: 10,
    },
    {
      name: 'a missing bucket',
      url: () => 's3://no-such-bucket/alice/numpy-regression.tar.gz',
      env: () => s3Env,
      code: 'S3_BUCKET_NOT_FOUND',
      names: 's3://no-such-bucket/alice/numpy-regression.tar.gz',
      within: 10,
    },
    {
      name: 'a missing object',
      url: () => `s3://${BUCKET}/alice/absent.tar.gz`,
      env: () => s3Env,
      code: 'S3_OBJECT_NOT_FOUND',
      names: `s3://${BUCKET}/alice/absent.tar.gz`,
      within: 10,
    },
    {
      name: 'an endpoint that accepts and never answers',
      url: () => `s3://${BUCKET}/alice/numpy-regression.tar.gz`,
      env: () => ({ ...s3Env, AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${silentPort}` }),
      code: 'S3_UNREACHABLE',
      names: `s3://${BUCKET}/alice/numpy-regression.tar.gz`,
      within: 30,
    },
    {
      name: 'an HTTP archive that is not there',
      url: () => files.url('alice/absent.tar.gz'),
      env: () => ({}),
      code: 'ARCHIVE_DOWNLOAD_FAILED',
      names: '/alice/absent.tar.gz',
      within: 10,
    },
    {
      name: 'an HTTP server that accepts and never answers',
      url: () => `http://127.0.0.1:${silentPort}/alice/numpy-regression.tar.gz`,
      env: () => ({}),
      code: 'ARCHIVE_DOWNLOAD_FAILED',
      names: '/alice/numpy-regression.tar.gz',
      within: 30,
    },
    {
      name: 'an endpoint nothing listens on',
      url: () => `s3://${BUCKET}/alice/numpy-regression.tar.gz`,
      env: () => ({ ...s3Env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' }),
      code: 'S3_UNREACHABLE',
      names: 'http://127.0.0.1:1',
      within: 30,
    },
  ];

  it.each(DOWNLOAD_FAILURES)(
    'fails at clone with $code on $name, naming the archive, in seconds',
    async (bad) => {
      const projectId = `s3-${DOWNLOAD_FAILURES.indexOf(bad)}`;
      const { run, seconds, leftovers } = await runSandboxed(bad.url(), projectId, bad.env());
      expect(run.exitCode, run.stdout.slice(-2000)).toBe(10);
      const failed = await outcome(projectId, MANAGER_TOPICS.failed);
      expect(failed).toMatchObject({ phase: 'clone', code: bad.code, exit_code: 10 });
      expect(String(failed.error_msg)).toContain(bad.names);
      expect(seconds).toBeLessThan(bad.within);
      expect(leftovers).toEqual({ tmp: [], home: [], cwd: [] });
      expectNoCredential([run]);
      expect(run.stdout + run.stderr).not.toContain('wrong-secret-key-4711');
    },
    120_000,
  );
});
