import { describe, expect, it } from 'vitest';
import {
  type BuildOptions,
  buildahBudArgs,
  buildahCommitArgs,
  buildahCreatedByArgs,
  buildahFromArgs,
  buildahMountArgs,
  buildahPushArgs,
  buildahRmArgs,
  buildahRmiArgs,
  buildahRunArgs,
  buildahStorageDriverArgs,
  buildahUnshareArgs,
  type PushOptions,
} from '../../../src/tools/buildah-args.js';

const BUILD: BuildOptions = {
  containerfile: '/ctx/learner.Containerfile',
  contextDir: '/ctx',
  tag: 'localhost/flops/learner:abc',
  iidFile: '/priv/learner.iid',
  labels: {},
  secrets: [],
};

const BUD_HEAD = [
  'bud',
  '--isolation',
  'chroot',
  '--layers',
  '--force-rm',
  '--file',
  '/ctx/learner.Containerfile',
  '--tag',
  'localhost/flops/learner:abc',
  '--iidfile',
  '/priv/learner.iid',
];

describe('buildahBudArgs', () => {
  it.each<[string, Partial<BuildOptions>, string[]]>([
    ['nothing else', {}, []],
    ['labels', { labels: { 'a.b': 'x y', c: 'k=v' } }, ['--label', 'a.b=x y', '--label', 'c=k=v']],
    [
      'secrets',
      {
        secrets: [
          { id: 'ca', src: '/priv/ca.pem' },
          { id: 'env', src: '/priv/env' },
        ],
      },
      ['--secret', 'id=ca,src=/priv/ca.pem', '--secret', 'id=env,src=/priv/env'],
    ],
    ['an auth file', { authFile: '/priv/auth.json' }, ['--authfile', '/priv/auth.json']],
    ['a cert dir', { certDir: '/priv/certs' }, ['--cert-dir', '/priv/certs']],
    [
      'everything',
      { labels: { l: 'v' }, secrets: [{ id: 'ca', src: '/c' }], authFile: '/a.json', certDir: '/certs' },
      ['--label', 'l=v', '--secret', 'id=ca,src=/c', '--authfile', '/a.json', '--cert-dir', '/certs'],
    ],
    ['an empty auth file path', { authFile: '' }, []],
  ])('with %s', (_case, change, middle) => {
    expect(buildahBudArgs({ ...BUILD, ...change })).toEqual([...BUD_HEAD, ...middle, '--', '/ctx']);
  });

  it('keeps a context folder that starts with "-" after "--"', () => {
    expect(buildahBudArgs({ ...BUILD, contextDir: '-ctx' }).slice(-2)).toEqual(['--', '-ctx']);
  });
});

const PUSH: PushOptions = {
  localRef: 'localhost/flops/learner:abc',
  destination: 'registry:5000/alice/mnist/learner:abc',
  digestFile: '/priv/learner.digest',
  tlsVerify: true,
};

describe('buildahPushArgs', () => {
  it.each<[string, Partial<PushOptions>, string[]]>([
    [
      'TLS',
      {},
      [
        'push',
        '--digestfile',
        '/priv/learner.digest',
        '--retry-delay',
        '250ms',
        '--tls-verify=true',
        '--',
        'localhost/flops/learner:abc',
        'docker://registry:5000/alice/mnist/learner:abc',
      ],
    ],
    [
      'plain HTTP',
      { tlsVerify: false },
      [
        'push',
        '--digestfile',
        '/priv/learner.digest',
        '--retry-delay',
        '250ms',
        '--tls-verify=false',
        '--',
        'localhost/flops/learner:abc',
        'docker://registry:5000/alice/mnist/learner:abc',
      ],
    ],
    [
      'auth file and cert dir',
      { authFile: '/priv/auth.json', certDir: '/priv/certs' },
      [
        'push',
        '--digestfile',
        '/priv/learner.digest',
        '--retry-delay',
        '250ms',
        '--tls-verify=true',
        '--authfile',
        '/priv/auth.json',
        '--cert-dir',
        '/priv/certs',
        '--',
        'localhost/flops/learner:abc',
        'docker://registry:5000/alice/mnist/learner:abc',
      ],
    ],
  ])('with %s', (_case, change, argv) => {
    expect(buildahPushArgs({ ...PUSH, ...change })).toEqual(argv);
  });
});

describe('buildahRmiArgs', () => {
  it.each([
    [buildahRmiArgs(['a:1', 'b:2']), ['rmi', '--', 'a:1', 'b:2']],
    [buildahRmiArgs([]), ['rmi', '--']],
  ])('%j', (argv, expected) => {
    expect(argv).toEqual(expected);
  });
});

describe('the working-container and namespace builders', () => {
  it.each<[string, string[], string[]]>([
    [
      'from, never pulling',
      buildahFromArgs('localhost/x:1'),
      ['from', '--pull=never', '--quiet', '--', 'localhost/x:1'],
    ],
    ['from, an image named like an option', buildahFromArgs('-x'), ['from', '--pull=never', '--quiet', '--', '-x']],
    ['mount', buildahMountArgs('box'), ['mount', '--', 'box']],
    ['rm', buildahRmArgs(['box', 'other']), ['rm', '--', 'box', 'other']],
    ['unshare, a command', buildahUnshareArgs(['true']), ['unshare', '--', 'true']],
    [
      'unshare, mounting containers into variables',
      buildahUnshareArgs(['python3', 'check.py', '--root-env', 'ROOT'], { ROOT: 'box', OTHER: 'other' }),
      ['unshare', '--mount', 'ROOT=box', '--mount', 'OTHER=other', '--', 'python3', 'check.py', '--root-env', 'ROOT'],
    ],
    ['info, the storage driver', buildahStorageDriverArgs(), ['info', '--format', '{{.store.GraphDriverName}}']],
  ])('%s', (_case, argv, expected) => {
    expect(argv).toEqual(expected);
  });
});

describe('the builders of an install in a working container', () => {
  it('runs the command with read-only and writable binds and a cache mount, chroot-isolated', () => {
    expect(
      buildahRunArgs({
        container: 'c-working-container',
        binds: [
          { source: '/ctx/tools', target: '/opt/flops/tools', readOnly: true },
          { source: '/work/out', target: '/opt/flops/out', readOnly: false },
        ],
        caches: { 'flops-uv-cache': '/tmp/uv-cache' },
        command: ['sh', '/opt/flops/tools/x.sh', 'a b'],
      }),
    ).toEqual([
      'run',
      '--isolation',
      'chroot',
      '--mount',
      'type=bind,source=/ctx/tools,target=/opt/flops/tools,ro',
      '--mount',
      'type=bind,source=/work/out,target=/opt/flops/out,rw',
      '--mount',
      'type=cache,id=flops-uv-cache,target=/tmp/uv-cache',
      '--',
      'c-working-container',
      'sh',
      '/opt/flops/tools/x.sh',
      'a b',
    ]);
  });

  it('refuses a path that --mount cannot say (a comma would start another option)', () => {
    const binds = [{ source: '/work,dir/tools', target: '/opt/flops/tools', readOnly: true }];
    expect(() => buildahRunArgs({ container: 'c', binds, caches: {}, command: ['true'] })).toThrow(/comma/);
  });

  it('describes the layer, then commits the container straight to the registry as OCI', () => {
    expect(buildahCreatedByArgs('c', 'the aggregator packages')).toEqual([
      'config',
      '--created-by',
      'the aggregator packages',
      '--',
      'c',
    ]);
    expect(
      buildahCommitArgs({ container: 'c', destination: 'r:5000/p/flops-deps:install-x', tlsVerify: false }),
    ).toEqual([
      'commit',
      '--quiet',
      '--format',
      'oci',
      '--tls-verify=false',
      '--',
      'c',
      'docker://r:5000/p/flops-deps:install-x',
    ]);
    expect(
      buildahCommitArgs({
        container: 'c',
        destination: 'r/p:t',
        tlsVerify: true,
        authFile: '/priv/auth.json',
        certDir: '/priv/certs',
      }),
    ).toEqual([
      'commit',
      '--quiet',
      '--format',
      'oci',
      '--tls-verify=true',
      '--authfile',
      '/priv/auth.json',
      '--cert-dir',
      '/priv/certs',
      '--',
      'c',
      'docker://r/p:t',
    ]);
  });
});
