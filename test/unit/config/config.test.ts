import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import {
  DEFAULT_DEADLINE_S,
  DEFAULT_MAX_REPO_FILES,
  DEFAULT_MAX_REPO_MB,
  DEFAULT_MQTT_PORT,
  DEFAULT_OBSERVER_PORT,
} from '../../../src/config/defaults.js';
import { BUILD_ENV_PASSTHROUGH } from '../../../src/config/values.js';
import { phaseNames } from '../../../src/tables/phase-table.js';

const PHASES = phaseNames('fl_actors');

import { ARGS, problems, run, runAny } from '../../helpers/load-config.js';

const REPO = 'https://github.com/Alice/MNIST.git';
const REGISTRY = 'http://registry:5000';

const scratch = mkdtempSync(join(tmpdir(), 'flops-unit-config-'));
const caFile = join(scratch, 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// The argument a problem names: its first word, or the option quoted by "unknown option".
function named(problem: string): string {
  return /^unknown option "([^"]+)"/.exec(problem)?.[1] ?? problem.split(' ')[0] ?? '';
}

describe('loadConfig: positional arguments', () => {
  it('reads 5 arguments with the default MQTT and observer ports', () => {
    const config = run(ARGS);
    expect(config.repo).toEqual({ kind: 'git', url: REPO, display: REPO, owner: 'Alice', name: 'MNIST' });
    expect(config.registry).toEqual({ hostPort: 'registry:5000', tls: false, apiBase: 'http://registry:5000' });
    expect(config.projectId).toBe('proj-1');
    expect(config.mqtt).toEqual({ host: 'broker', port: DEFAULT_MQTT_PORT });
    expect(config.observer).toEqual({ host: 'observer', port: DEFAULT_OBSERVER_PORT });
    expect([DEFAULT_MQTT_PORT, DEFAULT_OBSERVER_PORT]).toEqual([9027, 2727]);
  });

  it('has the documented defaults for every option', () => {
    const config = run(ARGS);
    expect({
      notifications: config.notifications,
      dryRun: config.dryRun,
      force: config.force,
      workdir: config.workdir,
      ref: config.ref,
      baseImage: config.baseImage,
      resultFile: config.resultFile,
      caCertFile: config.caCertFile,
      gitToken: config.gitToken,
      registryCredentials: config.registryCredentials,
      buildEnv: config.buildEnv,
      secrets: config.secrets,
      logLevel: config.logLevel,
      hostEnv: config.hostEnv,
    }).toEqual({
      notifications: true,
      dryRun: false,
      force: false,
      workdir: undefined,
      ref: undefined,
      baseImage: undefined,
      resultFile: undefined,
      caCertFile: undefined,
      gitToken: undefined,
      registryCredentials: undefined,
      buildEnv: {},
      secrets: [],
      logLevel: 'info',
      hostEnv: {},
    });
  });

  it('reads 6 arguments, the fifth being the MQTT port', () => {
    const config = run([REPO, REGISTRY, 'proj-1', 'broker', '1884', 'observer:3000']);
    expect(config.mqtt).toEqual({ host: 'broker', port: 1884 });
    expect(config.observer).toEqual({ host: 'observer', port: 3000 });
  });

  it.each([
    ['broker', undefined, { host: 'broker', port: 9027 }],
    ['broker:1883', undefined, { host: 'broker', port: 1883 }],
    ['broker', '1884', { host: 'broker', port: 1884 }],
    ['broker:1884', '1884', { host: 'broker', port: 1884 }],
    ['10.0.0.7', '1885', { host: '10.0.0.7', port: 1885 }],
    ['[::1]', '1886', { host: '[::1]', port: 1886 }],
    ['[::1]:1887', undefined, { host: '[::1]', port: 1887 }],
  ])('broker %s with mqtt_port %s → %j', (broker, port, expected) => {
    const argv = port === undefined ? [REPO, REGISTRY, 'p', broker, 'obs'] : [REPO, REGISTRY, 'p', broker, port, 'obs'];
    expect(run(argv).mqtt).toEqual(expected);
  });

  it.each([
    ['broker:1883', '1884', ['mqtt_ip']],
    ['broker', '0', ['mqtt_port']],
    ['broker', '65536', ['mqtt_port']],
    ['broker', 'abc', ['mqtt_port']],
    ['bad host', '1883', ['mqtt_ip']],
  ])('broker %s with mqtt_port %s is refused, naming %j', (broker, port, names) => {
    const found = problems([REPO, REGISTRY, 'p', broker, port, 'obs']);
    expect(found.map(named)).toEqual(names);
  });

  it('refuses a bracketed IPv6 broker:port that disagrees with mqtt_port', () => {
    const found = problems([REPO, REGISTRY, 'p', '[::1]:1883', '1884', 'obs']);
    expect(found.map(named)).toEqual(['mqtt_ip']);
  });

  it.each([[0], [1], [4], [7]])('refuses %i positional arguments with one problem', (count) => {
    const argv = Array.from({ length: count }, (_, index) => `arg${index}`);
    const found = problems(argv);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(count > 6 ? /^"arg4" is not a build plan/ : /^expected the arguments of one of the forms/);
  });

  it.each([
    ['a', true],
    ['A.b_c-1', true],
    ['x'.repeat(128), true],
    ['', false],
    ['a..b', false],
    ['a/b', false],
    ['a b', false],
    ['x'.repeat(129), false],
  ])('project_id %j accepted: %s', (projectId, accepted) => {
    const argv = [REPO, REGISTRY, projectId, 'broker', 'obs'];
    if (accepted) expect(run(argv).projectId).toBe(projectId);
    else expect(problems(argv).map(named)).toEqual(['project_id']);
  });
});

describe('loadConfig: options', () => {
  it.each([
    ['before the positionals', ['--dry-run', '--workdir', '/w', ...ARGS]],
    ['after the positionals', [...ARGS, '--dry-run', '--workdir=/w']],
    ['between the positionals', [REPO, '--dry-run', REGISTRY, 'proj-1', '--workdir', '/w', 'broker', 'observer']],
  ])('reads options %s', (_where, argv) => {
    const config = run(argv);
    expect([config.dryRun, config.workdir, config.projectId, config.observer.host]).toEqual([
      true,
      '/w',
      'proj-1',
      'observer',
    ]);
  });

  it.each([
    [['--deactivate-notifications'], 'notifications', false],
    [['--dry-run'], 'dryRun', true],
    [['--force'], 'force', true],
    [['--workdir', '/tmp/w'], 'workdir', '/tmp/w'],
    [['--ref', 'feature/x'], 'ref', 'feature/x'],
    [['--ref=0123abcd'], 'ref', '0123abcd'],
    [['--base-image', 'quay.io/x/base:1'], 'baseImage', 'quay.io/x/base:1'],
    [['--result-file', '/tmp/r.json'], 'resultFile', '/tmp/r.json'],
    [['--ca-cert', caFile], 'caCertFile', caFile],
  ] as const)('%j sets %s to %j', (options, field, value) => {
    expect(run([...ARGS, ...options])[field]).toBe(value);
  });

  it('accepts a file:// repo URL only with --allow-file-url', () => {
    const argv = ['file:///srv/repos/alice/mnist', REGISTRY, 'p', 'broker', 'obs'];
    expect(problems(argv).map(named)).toEqual(['repo_url']);
    expect(run([...argv, '--allow-file-url']).repo).toMatchObject({ owner: 'alice', name: 'mnist' });
  });

  it('treats -h as an unknown option, not as --help', () => {
    expect(problems([...ARGS, '-h']).map(named)).toEqual(['-h']);
  });

  it.each([[['--help']], [['--version', '--help']], [[...ARGS, '--help']], [['--bogus', '--help']]])(
    '%j asks for help whatever else is given',
    (argv) => {
      expect(loadConfig(argv, {})).toEqual({ kind: 'help' });
    },
  );

  it.each([[['--version']], [['only-one', '--version']]])('%j asks for the version', (argv) => {
    expect(loadConfig(argv, {})).toEqual({ kind: 'version' });
  });

  it.each([
    [['--bogus'], '--bogus'],
    [['--bogus=1'], '--bogus'],
    [['-x'], '-x'],
    [['--dry_run'], '--dry_run'],
  ])('refuses the unknown option %j', (options, name) => {
    expect(problems([...ARGS, ...options]).map(named)).toEqual([name]);
  });

  it('reports unknown options together with a wrong argument count', () => {
    expect(problems(['--bogus', 'one', 'two']).map(named)).toEqual(['--bogus', 'expected']);
  });

  it.each([['--workdir'], ['--ref'], ['--base-image'], ['--ca-cert'], ['--result-file']])(
    'refuses %s without a value',
    (option) => {
      const found = problems([...ARGS, option]);
      expect(found).toHaveLength(1);
      expect(found[0]).toBe(`${option} needs a value`);
    },
  );

  it('refuses a string option whose value is the next option', () => {
    const found = problems([...ARGS, '--workdir', '--dry-run']);
    expect(found.map(named)).toEqual(['--workdir']);
    expect(found[0]).toContain('"--dry-run"');
  });

  it.each([
    ['--ref=-x', '--ref'],
    ['--ref=a b', '--ref'],
    ['--base-image=-evil', '--base-image'],
  ])('refuses %j, naming %s', (option, name) => {
    expect(problems([...ARGS, option]).map(named)).toEqual([name]);
  });
});

describe('loadConfig: every bad argument together', () => {
  it('reports each bad argument and environment variable once, naming it and quoting the value', () => {
    const argv = [
      'ftp://host/o/r',
      'https://registry/v2',
      'a..b',
      'bad host',
      '99999',
      'obs:0',
      '--ref=-x',
      '--bogus',
      '--ca-cert',
      '/nonexistent/ca.pem',
    ];
    const found = problems(argv, { REGISTRY_USERNAME: 'robot' });
    expect(found.map(named)).toEqual([
      '--bogus',
      'repo_url',
      'registry_url',
      'project_id',
      'mqtt_ip',
      'observer_ip',
      '--ca-cert',
      'REGISTRY_USERNAME',
      '--ref',
    ]);
    const quoted = [
      '"ftp://host/o/r"',
      '"https://registry/v2"',
      '"a..b"',
      '"bad host"',
      '"obs:0"',
      '"-x"',
      '"/nonexistent/ca.pem"',
    ];
    for (const value of quoted) expect(found.filter((problem) => problem.includes(value))).toHaveLength(1);
  });

  it('names mqtt_port when only the port is bad, alongside other problems', () => {
    const found = problems(['https://host/only-one-segment', REGISTRY, 'p', 'broker', 'x', 'obs']);
    expect(found.map(named)).toEqual(['repo_url', 'mqtt_port']);
  });
});

describe('loadConfig: environment', () => {
  it('takes the base image from FLOPS_BASE_IMAGE, and --base-image over it', () => {
    expect(run(ARGS, { FLOPS_BASE_IMAGE: 'reg/base:env' }).baseImage).toBe('reg/base:env');
    expect(run([...ARGS, '--base-image', 'reg/base:opt'], { FLOPS_BASE_IMAGE: 'reg/base:env' }).baseImage).toBe(
      'reg/base:opt',
    );
    expect(run(ARGS, { FLOPS_BASE_IMAGE: '' }).baseImage).toBeUndefined();
    expect(problems(ARGS, { FLOPS_BASE_IMAGE: '-evil' }).map(named)).toEqual(['--base-image']);
  });

  it('takes the CA file from FLOPS_EXTRA_CA_CERTS when it can be read', () => {
    expect(run(ARGS, { FLOPS_EXTRA_CA_CERTS: caFile }).caCertFile).toBe(caFile);
    expect(problems(ARGS, { FLOPS_EXTRA_CA_CERTS: join(scratch, 'missing.pem') }).map(named)).toEqual(['--ca-cert']);
  });

  it('keeps the download cache in the folder --download-cache or FLOPS_DOWNLOAD_CACHE names, absolute', () => {
    expect(run(ARGS).downloadCache).toBeUndefined();
    expect(run(ARGS, { FLOPS_DOWNLOAD_CACHE: '' }).downloadCache).toBeUndefined();
    expect(run(ARGS, { FLOPS_DOWNLOAD_CACHE: scratch }).downloadCache).toBe(scratch);
    expect(run([...ARGS, '--download-cache', 'rel/cache']).downloadCache).toBe(join(process.cwd(), 'rel/cache'));
    // Not there yet is fine (the job makes it); a file is not.
    expect(run([...ARGS, '--download-cache', join(scratch, 'new')]).downloadCache).toBe(join(scratch, 'new'));
    expect(problems([...ARGS, '--download-cache', caFile]).map(named)).toEqual(['--download-cache']);
  });

  it('refuses a FLOPS_EXTRA_CA_CERTS that is a folder, not a file', () => {
    expect(problems(ARGS, { FLOPS_EXTRA_CA_CERTS: scratch }).map(named)).toEqual(['--ca-cert']);
  });

  it.each([
    [{ REGISTRY_USERNAME: 'robot' }],
    [{ REGISTRY_PASSWORD: 'pw-123456' }],
    [{ REGISTRY_USERNAME: 'robot', REGISTRY_PASSWORD: '' }],
  ])('refuses registry credentials given by halves: %j', (env) => {
    expect(problems(ARGS, env).map(named)).toEqual(['REGISTRY_USERNAME']);
  });

  it('keeps registry credentials, and the password (not the user name) as a secret', () => {
    const config = run(ARGS, { REGISTRY_USERNAME: 'robot', REGISTRY_PASSWORD: 'pw-123456' });
    expect(config.registryCredentials).toEqual({ username: 'robot', password: 'pw-123456' });
    expect(config.secrets).toEqual(['pw-123456']);
  });

  it('collects GIT_TOKEN, the registry password and URL passwords as secrets', () => {
    const config = run(['https://git:repo-pass-1@github.com/alice/mnist.git', REGISTRY, 'p', 'broker', 'obs'], {
      GIT_TOKEN: 'ghp_token_1',
      REGISTRY_USERNAME: 'robot',
      REGISTRY_PASSWORD: 'pw-123456',
      PIP_INDEX_URL: 'https://pipuser:pip-pass-1@pypi.internal/simple',
    });
    expect(config.gitToken).toBe('ghp_token_1');
    expect(config.repo.display).toBe('https://github.com/alice/mnist.git');
    expect([...config.secrets].sort()).toEqual(
      [
        'ghp_token_1',
        'pw-123456',
        'git:repo-pass-1',
        'repo-pass-1',
        'pipuser:pip-pass-1',
        'pipuser',
        'pip-pass-1',
      ].sort(),
    );
  });

  it('passes the build environment through, and nothing else', () => {
    const env = Object.fromEntries(BUILD_ENV_PASSTHROUGH.map((name) => [name, `value-of-${name}`]));
    const config = run(ARGS, { ...env, PIP_TRUSTED_HOST: '', FOO: 'bar', GIT_TOKEN: 'tok-123456' });
    const expected = { ...env };
    delete expected.PIP_TRUSTED_HOST;
    expect(config.buildEnv).toEqual(expected);
    expect(Object.keys(config.buildEnv)).toHaveLength(BUILD_ENV_PASSTHROUGH.length - 1);
  });

  it('hands subprocesses only the allowlisted host variables, never credentials', () => {
    const config = run(ARGS, {
      PATH: '/usr/bin',
      HOME: '/root',
      TMPDIR: '/tmp',
      CONTAINERS_STORAGE_CONF: '/etc/s.conf',
      BUILDAH_ISOLATION: 'chroot',
      STORAGE_DRIVER: 'vfs',
      GIT_TOKEN: 'tok-123456',
      REGISTRY_USERNAME: 'robot',
      REGISTRY_PASSWORD: 'pw-123456',
      PIP_INDEX_URL: 'https://u:p@x/simple',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'aws',
      XPATH: 'no',
    });
    expect(config.hostEnv).toEqual({
      PATH: '/usr/bin',
      HOME: '/root',
      TMPDIR: '/tmp',
      CONTAINERS_STORAGE_CONF: '/etc/s.conf',
      BUILDAH_ISOLATION: 'chroot',
      STORAGE_DRIVER: 'vfs',
    });
  });

  it('reads S3 settings from the AWS variables, AWS_DEFAULT_REGION standing for AWS_REGION, and keeps them secret', () => {
    const config = run(ARGS, {
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE1',
      AWS_SECRET_ACCESS_KEY: 'secret-key-1',
      AWS_SESSION_TOKEN: 'session-token-1',
      AWS_DEFAULT_REGION: 'eu-central-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9000',
    });
    expect(config.s3).toEqual({
      region: 'eu-central-1',
      endpoint: 'http://127.0.0.1:9000',
      credentials: { accessKeyId: 'AKIAEXAMPLE1', secretAccessKey: 'secret-key-1', sessionToken: 'session-token-1' },
    });
    expect(config.secrets).toEqual(expect.arrayContaining(['AKIAEXAMPLE1', 'secret-key-1', 'session-token-1']));
    expect(config.hostEnv).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
  });

  it('prefers AWS_REGION and AWS_ENDPOINT_URL_S3, and signs for us-east-1 when no region is set', () => {
    const both = run(ARGS, {
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-central-1',
      AWS_ENDPOINT_URL_S3: 'http://s3.local:9000',
      AWS_ENDPOINT_URL: 'http://other.local:9000',
    });
    expect(both.s3).toMatchObject({ region: 'eu-west-1', endpoint: 'http://s3.local:9000', credentials: undefined });
    expect(run(ARGS, {}).s3).toEqual({ region: 'us-east-1', endpoint: undefined, credentials: undefined });
  });

  it('refuses half a key pair and an endpoint that is not a URL', () => {
    expect(problems(ARGS, { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE1' })).toEqual([
      expect.stringContaining('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'),
    ]);
    expect(problems(ARGS, { AWS_ENDPOINT_URL_S3: 'minio:9000' })).toEqual([
      expect.stringContaining('AWS_ENDPOINT_URL'),
    ]);
  });

  it('reads LOG_LEVEL', () => {
    expect(run(ARGS, { LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });
});

describe('loadConfig: the result', () => {
  it('is frozen', () => {
    const config = run(ARGS);
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as unknown as { projectId: string }).projectId = 'other';
    }).toThrow(TypeError);
    expect(config.projectId).toBe('proj-1');
  });

  it('is frozen all the way down', () => {
    const config = run(ARGS, { GIT_TOKEN: 'tok-123456', PIP_INDEX_URL: 'https://x/simple', PATH: '/bin' });
    expect(
      [config.secrets, config.buildEnv, config.hostEnv, config.repo, config.registry, config.mqtt, config.observer].map(
        Object.isFrozen,
      ),
    ).toEqual([true, true, true, true, true, true, true]);
  });
});

describe('loadConfig: limits, time limits, submodules, pruning', () => {
  it('has sensible defaults, a time limit for every phase and the deadline', () => {
    const config = run(ARGS);
    expect([config.maxRepoBytes, config.maxRepoFiles, config.submodules, config.pruneImages]).toEqual([
      DEFAULT_MAX_REPO_MB * 1024 * 1024,
      DEFAULT_MAX_REPO_FILES,
      false,
      false,
    ]);
    expect(config.deadlineMs).toBe(DEFAULT_DEADLINE_S * 1000);
    expect(Object.keys(config.phaseTimeoutsMs)).toEqual(expect.arrayContaining([...PHASES]));
    expect(config.phaseTimeoutsMs.build).toBe(2_700_000);
    expect(Object.values(config.phaseTimeoutsMs).every((ms) => ms >= 60_000)).toBe(true);
  });

  it('reads the options, the environment, and lets options win', () => {
    const env = { FLOPS_MAX_REPO_MB: '7', FLOPS_PHASE_TIMEOUTS: 'build=100, push=50', FLOPS_DEADLINE: '900' };
    const config = run(
      [
        ...ARGS,
        '--max-repo-files',
        '12',
        '--phase-timeout',
        'push=30',
        '--phase-timeout=clone=20',
        '--submodules',
        '--prune-images',
      ],
      env,
    );
    expect([config.maxRepoBytes, config.maxRepoFiles, config.deadlineMs]).toEqual([7 * 1024 * 1024, 12, 900_000]);
    expect([config.phaseTimeoutsMs.build, config.phaseTimeoutsMs.push, config.phaseTimeoutsMs.clone]).toEqual([
      100_000, 30_000, 20_000,
    ]);
    expect([config.submodules, config.pruneImages]).toEqual([true, true]);
    expect(run([...ARGS, '--max-repo-mb', '3', '--deadline', '60'], env).maxRepoBytes).toBe(3 * 1024 * 1024);
  });

  it.each([
    [['--max-repo-mb', '0'], '--max-repo-mb'],
    [['--max-repo-files', '1e3'], '--max-repo-files'],
    [['--deadline', '-5'], '--deadline'],
    [['--deadline', '$(touch /tmp/pwned)'], '--deadline'],
    [['--phase-timeout', 'compile=10'], '--phase-timeout'],
    [['--phase-timeout', 'build=soon'], '--phase-timeout'],
    [['--phase-timeout', 'build'], '--phase-timeout'],
  ])('refuses %j, naming %s', (extra, name) => {
    const found = problems([...ARGS, ...extra]);
    expect(found.map(named)).toContain(name);
  });

  it('refuses a bad FLOPS_PHASE_TIMEOUTS, naming it', () => {
    expect(problems(ARGS, { FLOPS_PHASE_TIMEOUTS: 'build=1;rm -rf /' })[0]).toMatch(
      /^FLOPS_PHASE_TIMEOUTS "build=1;rm -rf \/"/,
    );
  });
});

describe('loadConfig: the resolve phase', () => {
  it('resolves unless --skip-resolve, with a time limit of 180 s', () => {
    expect([
      run(ARGS).skipResolve,
      run([...ARGS, '--skip-resolve']).skipResolve,
      run(ARGS).phaseTimeoutsMs.resolve,
    ]).toEqual([false, true, 180_000]);
  });

  it.each<[string, NodeJS.ProcessEnv, string]>([
    ['HOME', { HOME: '/home/u' }, '/home/u/.cache/flops-image-builder/pip-venv'],
    [
      'XDG_CACHE_HOME',
      { HOME: '/home/u', XDG_CACHE_HOME: '/var/cache/u' },
      '/var/cache/u/flops-image-builder/pip-venv',
    ],
    ['FLOPS_PIP_VENV', { HOME: '/home/u', FLOPS_PIP_VENV: '/opt/pip-venv' }, '/opt/pip-venv'],
  ])("keeps pip's virtual environment where %s says", (_name, env, dir) => {
    expect(run(ARGS, env).pipVenv).toBe(dir);
  });
});

describe('loadConfig: build settings', () => {
  it('reads repeated --label KEY=VALUE and --ignore PATTERN', () => {
    const config = run([
      ...ARGS,
      '--label',
      'team=vision',
      '--label=com.example.cost-center=42=a',
      '--ignore',
      'notes/',
      '--ignore=**/*.ckpt',
    ]);
    expect(config.labels).toEqual({ team: 'vision', 'com.example.cost-center': '42=a' });
    expect(config.ignore).toEqual(['notes/', '**/*.ckpt']);
  });

  it('has no labels and no extra patterns by default', () => {
    expect(run(ARGS)).toMatchObject({ labels: {}, ignore: [] });
  });

  it.each([
    ['--label', 'no-equals'],
    ['--label', '=value'],
    ['--label', 'has space=x'],
    ['--label', 'io.flops.image-builder.version=0'],
    ['--label', 'io.flops.anything=x'],
    ['--label', 'org.opencontainers.image.revision=abc'],
    ['--ignore', '#comment'],
    ['--ignore', ' '],
  ])('refuses %s %j, naming the option', (option, value) => {
    expect(problems([...ARGS, `${option}=${value}`]).map(named)).toEqual([option]);
  });

  it('refuses --ignore for trained_model, which has no repo', () => {
    const argv = ['http://registry:5000', 'p', 'broker', 'obs', 'trained_model', 'admin', 'http://mlflow:5000', 'a1b2'];
    expect(problems([...argv, '--ignore', 'x'])).toEqual([
      expect.stringContaining('--ignore applies to fl_actors only'),
    ]);
    expect(runAny([...argv, '--label', 'team=vision']).labels).toEqual({ team: 'vision' });
  });
});
