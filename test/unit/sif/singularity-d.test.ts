import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sifManifest, sifTag } from '../../../src/images/sif-artifact.js';
import { convertPhase } from '../../../src/phases/convert.js';
import { sifArch, siftoolAddArgs } from '../../../src/sif/sif-args.js';
import { dockerEnv, inspectMetadata, runscript, singularityEntries } from '../../../src/sif/singularity-d.js';

/** Runs a generated script with sh, `printf` standing in for the program so that the words it gets are visible. */
function wordsOf(script: string, args: readonly string[]): string[] {
  const shown = script.replace('exec "$@"', 'printf "%s\\n" "$@"');
  const out = execFileSync('sh', ['-c', shown, 'runscript', ...args], { encoding: 'utf8' });
  return out.split('\n').slice(0, -1);
}

describe('the runscript', () => {
  it.each([
    [['/py', '-m', 'flops_learner'], [], [], ['/py', '-m', 'flops_learner']],
    [['/py', '-m', 'flops_learner'], [], ['p1', "it's a b"], ['/py', '-m', 'flops_learner', 'p1', "it's a b"]],
    [['/py'], ['--default', 'x y'], [], ['/py', '--default', 'x y']],
    [['/py'], ['--default'], ['--mine'], ['/py', '--mine']],
    [[], ['/bin/cmd', '$HOME'], [], ['/bin/cmd', '$HOME']],
    [[], ['/bin/cmd'], ['/bin/other', 'a'], ['/bin/other', 'a']],
  ])('ENTRYPOINT %j, CMD %j, arguments %j start %j', (entrypoint, cmd, args, expected) => {
    expect(wordsOf(runscript(entrypoint, cmd), args)).toEqual(expected);
  });
});

describe('the environment script', () => {
  it('sets PATH, and every other variable unless the run sets it', () => {
    const script = dockerEnv([
      'PATH=/opt/venv/bin:/usr/bin',
      'FLOPS_REPO_DIR=/app',
      'QUOTE=it\'s "$x" `y` \\z',
      'bad-name=x',
    ]);
    const run = (env: Record<string, string>) =>
      execFileSync('sh', ['-c', `${script}\nprintf '%s|%s|%s' "$PATH" "$FLOPS_REPO_DIR" "$QUOTE"`], {
        encoding: 'utf8',
        env,
      });
    expect(run({ PATH: '/bin:/usr/bin' })).toBe('/opt/venv/bin:/usr/bin|/app|it\'s "$x" `y` \\z');
    expect(run({ PATH: '/bin:/usr/bin', FLOPS_REPO_DIR: '/mine' })).toBe(
      '/opt/venv/bin:/usr/bin|/mine|it\'s "$x" `y` \\z',
    );
    expect(script).not.toContain('bad-name');
  });
});

describe('/.singularity.d', () => {
  const config = {
    architecture: 'amd64',
    os: 'linux',
    config: { Entrypoint: ['/py'], Env: ['A=1'], Labels: { 'org.opencontainers.image.title': 'FLOps learner' } },
    rootfs: { type: 'layers' as const, diff_ids: [] },
  };

  it('holds the runscript, the environment, the labels, the actions and the root links Apptainer uses', () => {
    const entries = singularityEntries(config);
    const paths = entries.map((entry) => entry.path);
    for (const path of [
      '.singularity.d/runscript',
      '.singularity.d/env/10-docker2singularity.sh',
      '.singularity.d/labels.json',
      '.singularity.d/actions/run',
      '.singularity.d/actions/exec',
      'singularity',
      'environment',
    ]) {
      expect(paths).toContain(path);
    }
    const labels = entries.find((entry) => entry.path === '.singularity.d/labels.json');
    expect(labels?.kind === 'file' && JSON.parse(labels.text)).toEqual(config.config.Labels);
    expect(JSON.parse(inspectMetadata(config, 'r/x:1'))).toMatchObject({
      type: 'container',
      data: { attributes: { labels: config.config.Labels, deffile: 'bootstrap: docker\nfrom: r/x:1\n' } },
    });
  });
});

describe('siftool and the ORAS artifact', () => {
  it.each([
    [{ kind: 'deffile' as const }, ['add', '--datatype', '1', '--groupid', '1', '--', 'a.sif', 'obj']],
    [{ kind: 'metadata' as const }, ['add', '--datatype', '6', '--groupid', '1', '--', 'a.sif', 'obj']],
    [
      { kind: 'rootfs' as const, arch: 4 },
      [
        'add',
        '--datatype',
        '4',
        '--parttype',
        '2',
        '--partfs',
        '1',
        '--partarch',
        '4',
        '--groupid',
        '1',
        '--',
        'a.sif',
        'obj',
      ],
    ],
  ])('adds %j as %j', (what, expected) => {
    expect(siftoolAddArgs('a.sif', 'obj', what)).toEqual(expected);
  });

  it('codes the architectures as the SIF library does, and tags and describes the artifact as Apptainer', () => {
    expect([sifArch('amd64'), sifArch('arm64'), sifArch('riscv64'), sifArch('sparc')]).toEqual([2, 4, 12, undefined]);
    expect([sifTag('abc', 'amd64', false), sifTag('abc', 'arm64', true)]).toEqual(['abc-sif', 'abc-sif-arm64']);
    expect(
      sifManifest({ digest: 'sha256:c', size: 2 }, { digest: 'sha256:l', size: 9, name: 'learner-amd64.sif' }),
    ).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.sylabs.sif.config.v1+json', digest: 'sha256:c', size: 2 },
      layers: [
        {
          mediaType: 'application/vnd.sylabs.sif.layer.v1.sif',
          digest: 'sha256:l',
          size: 9,
          annotations: { 'org.opencontainers.image.title': 'learner-amd64.sif' },
        },
      ],
    });
  });
});

describe('the convert phase', () => {
  it('runs with --sif alone', () => {
    const job = (sif: boolean) =>
      ({ config: { sif } }) as unknown as Parameters<NonNullable<typeof convertPhase.skip>>[0];
    expect(convertPhase.skip?.(job(false))).toBe('no --sif: no Apptainer files asked for');
    expect(convertPhase.skip?.(job(true))).toBeUndefined();
  });
});
