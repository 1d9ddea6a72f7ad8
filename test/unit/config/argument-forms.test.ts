import { describe, expect, it } from 'vitest';
import type { TrainedModelConfig, TrainingConfig } from '../../../src/config/config.js';
import { usage } from '../../../src/config/usage.js';
import { UsageError } from '../../../src/errors.js';
import { platformInfo, platformNames } from '../../../src/platforms.js';
import { problems, run, runAny } from '../../helpers/load-config.js';

// The FLOps manager's command lines, as Oakestra splits its SLA's cmd (upstream's builder SLA, shlex.split).
const FL_ACTORS =
  'python3 main.py http://10.0.0.5:5073 proj-7 10.0.0.5 10.30.12.34 --supported_platforms=linux/amd64 fl_actors https://github.com/Malyuk-A/flops_ml_repo_mnist_sklearn sklearn';
const TRAINED_MODEL =
  'python3 main.py http://10.0.0.5:5073 proj-7 10.0.0.5 10.30.12.34 --supported_platforms=linux/amd64 trained_model Admin http://10.30.7.9:7027 98afa654c6b441cb95b8185be5856163';
const TRAINING =
  'python3 main.py http://10.0.0.5:5073 proj-7 10.0.0.5 10.30.12.34 --supported_platforms=linux/amd64 training https://github.com/aws/iris';
const split = (line: string): string[] => line.split(' ');

function training(argv: readonly string[]): TrainingConfig {
  const config = runAny(argv);
  if (config.plan !== 'training') throw new Error(`expected training, got ${config.plan}`);
  return config;
}

function trainedModel(argv: readonly string[]): TrainedModelConfig {
  const config = runAny(argv);
  if (config.plan !== 'trained_model') throw new Error(`expected trained_model, got ${config.plan}`);
  return config;
}

function usageError(argv: readonly string[]): UsageError {
  try {
    runAny(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe("the manager's fl_actors form", () => {
  it('reads the command line as the manager writes it, python3 main.py and all', () => {
    const config = run(split(FL_ACTORS));
    expect({
      plan: config.plan,
      registry: config.registry,
      projectId: config.projectId,
      mqtt: config.mqtt,
      observer: config.observer,
      platforms: platformNames(config.platforms),
      repo: config.repo.url,
      flavor: config.flavor,
    }).toEqual({
      plan: 'fl_actors',
      registry: { hostPort: '10.0.0.5:5073', tls: false, apiBase: 'http://10.0.0.5:5073' },
      projectId: 'proj-7',
      mqtt: { host: '10.0.0.5', port: 9027 },
      observer: { host: '10.30.12.34', port: 2727 },
      platforms: ['linux/amd64'],
      repo: 'https://github.com/Malyuk-A/flops_ml_repo_mnist_sklearn',
      flavor: 'sklearn',
    });
  });

  it.each([
    [
      ['--supported_platforms', 'linux/amd64,linux/arm64'],
      ['linux/amd64', 'linux/arm64'],
    ],
    [['--supported-platforms=linux/arm64'], ['linux/arm64']],
    [['--supported_platforms=linux/arm64,linux/amd64,linux/arm64'], ['linux/arm64', 'linux/amd64']],
    [[], ['linux/amd64']],
  ])('takes platforms from %j anywhere on the line → the table rows of %j', (option, platforms) => {
    const words = split(FL_ACTORS).filter((word) => !word.startsWith('--supported'));
    const rows = platforms.map((name) => platformInfo(name));
    expect(run([...words, ...option]).platforms).toEqual(rows);
    expect(run([...words.slice(0, 2), ...option, ...words.slice(2)]).platforms).toEqual(rows);
  });

  it.each([
    ['linux/arm/v7', /linux\/arm\/v7 is not supported: PyPI has no armv7 wheels/],
    ['linux/amd64,linux/s390x', /^--supported_platforms "linux\/amd64,linux\/s390x": linux\/s390x is not supported/],
    ['amd64', /expected a comma-separated list of platforms/],
  ])('refuses --supported_platforms=%s at configuration, saying why', (value, why) => {
    const words = split(FL_ACTORS).filter((word) => !word.startsWith('--supported'));
    const found = problems([...words, `--supported_platforms=${value}`]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(why);
  });

  it('accepts the options it may pass, and ours, before or after the arguments', () => {
    const config = run([...split(FL_ACTORS), '--use-devel-base-images', '--deactivate-notifications', '--dry-run']);
    expect([config.useDevelBaseImages, config.notifications, config.dryRun]).toEqual([true, false, true]);
  });

  it.each(['python main.py', 'python3.11 main.py', ''])('drops a leading "%s"', (prefix) => {
    const words = split(FL_ACTORS).slice(2);
    expect(run([...(prefix ? prefix.split(' ') : []), ...words]).projectId).toBe('proj-7');
  });

  it.each(['sklearn', 'pytorch', 'tensorflow', 'keras'])('takes the flavor %s', (flavor) => {
    expect(run([...split(FL_ACTORS).slice(0, -1), flavor]).flavor).toBe(flavor);
  });

  it('refuses another flavor, naming the choices', () => {
    expect(problems([...split(FL_ACTORS).slice(0, -1), 'xgboost'])).toEqual([
      'ml_model_flavor "xgboost": must be one of sklearn, pytorch, tensorflow, keras',
    ]);
  });

  it('accepts host:port for the broker and the observer', () => {
    const words = split(FL_ACTORS);
    words[4] = '127.0.0.1:1883';
    words[5] = '127.0.0.1:3000';
    const config = run(words);
    expect([config.mqtt, config.observer]).toEqual([
      { host: '127.0.0.1', port: 1883 },
      { host: '127.0.0.1', port: 3000 },
    ]);
  });
});

describe("the manager's trained_model form", () => {
  it('reads the customer, the tracking server and the run', () => {
    const config = trainedModel(split(TRAINED_MODEL));
    expect([config.plan, config.customerId, config.trackingUri.href, config.runId, config.projectId]).toEqual([
      'trained_model',
      'Admin',
      'http://10.30.7.9:7027/',
      '98afa654c6b441cb95b8185be5856163',
      'proj-7',
    ]);
  });

  it.each([
    ['a customer that is no image path', 'Ad min', 'customer_id'],
    ['a tracking server that is no URL', 'ftp://x', 'tracking_server_uri'],
    ['a run id with a slash', 'a/b', 'run_id'],
  ])('refuses %s, naming the argument', (_what, value, name) => {
    const words = split(TRAINED_MODEL);
    const at = { customer_id: 8, tracking_server_uri: 9, run_id: 10 }[name] ?? 0;
    words[at] = value;
    expect(problems(words).map((problem) => problem.split(' ')[0])).toEqual([name]);
  });

  it('refuses options that only the fl_actors plan reads', () => {
    expect(problems([...split(TRAINED_MODEL), '--ref', 'main'])).toEqual([
      '--ref applies to fl_actors only, not to trained_model',
    ]);
  });
});

describe('the training form', () => {
  it('reads the repo, and the entry wherever --entry stands', () => {
    const config = training([...split(TRAINING), '--entry', 'src/fit.py']);
    expect([config.plan, config.repo.url, config.entry, config.projectId, config.ref]).toEqual([
      'training',
      'https://github.com/aws/iris',
      'src/fit.py',
      'proj-7',
      undefined,
    ]);
    const words = split(TRAINING);
    expect(training([...words.slice(0, 3), '--entry=fit.py', ...words.slice(3)]).entry).toBe('fit.py');
    expect(training([...split(TRAINING), '--ref', 'v2']).ref).toBe('v2');
    expect(training(split(TRAINING)).entry).toBeUndefined();
  });

  it.each([['../outside.py'], ['/abs/train.py'], ['a/../../b.py'], ['train.sh'], ['pkg.cli:main.py']])(
    'refuses --entry %s, naming the option',
    (entry) => {
      expect(problems([...split(TRAINING), `--entry=${entry}`]).map((problem) => problem.split(' ')[0])).toEqual([
        '--entry',
      ]);
    },
  );

  it('refuses what only another plan reads, and --entry for the other plans', () => {
    expect(problems([...split(TRAINING), '--ml-model-flavor', 'sklearn'])).toEqual([
      '--ml-model-flavor applies to fl_actors only, not to training',
    ]);
    expect(problems([...split(FL_ACTORS), '--entry', 'train.py'])).toEqual([
      '--entry applies to training only, not to fl_actors',
    ]);
    expect(problems([...split(TRAINED_MODEL), '--entry', 'train.py'])).toEqual([
      '--entry applies to training only, not to trained_model',
    ]);
  });

  it('refuses a repo URL that is not one, and a missing or extra argument', () => {
    expect(problems([...split(TRAINING).slice(0, -1), 'not a url']).map((p) => p.split(' ')[0])).toEqual(['repo_url']);
    expect(usageError(split(TRAINING).slice(0, -1)).readable).toMatchObject({ plan: 'training', projectId: 'proj-7' });
    expect(problems([...split(TRAINING), 'extra'])).toEqual(['expected 1 argument after "training" (repo_url), got 2']);
  });
});

describe('command lines that fit no form', () => {
  it.each([
    ['an unknown plan word', [...split(FL_ACTORS).slice(2, 7), 'fl_learners', 'https://h/a/b', 'sklearn'], 'fl_actors'],
    ['a trained_model form missing the run', split(TRAINED_MODEL).slice(0, -1), 'trained_model'],
    [
      'a plan word in the wrong place',
      ['http://r:5073', 'proj-7', 'fl_actors', 'https://h/a/b', 'sklearn'],
      'fl_actors',
    ],
  ])('keeps what the failure report needs from %s', (_what, argv, plan) => {
    const error = usageError(argv);
    expect(error.exitCode).toBe(2);
    expect(error.readable).toMatchObject({ plan, projectId: 'proj-7', notifications: true });
  });

  it('reads the broker and observer of a bad manager form, to report to them', () => {
    const error = usageError([...split(FL_ACTORS).slice(0, -1), 'xgboost']);
    expect(error.readable).toMatchObject({
      plan: 'fl_actors',
      projectId: 'proj-7',
      mqtt: { host: '10.0.0.5', port: 9027 },
      observer: { host: '10.30.12.34', port: 2727 },
    });
  });

  it('keeps no project id that is not one', () => {
    const words = split(FL_ACTORS);
    words[3] = 'a..b';
    expect(usageError(words).readable?.projectId).toBeUndefined();
  });
});

describe('--help', () => {
  it('shows every form and every option of the table', () => {
    const text = usage();
    expect(text).toContain('fl_actors <repo_url> <ml_model_flavor>');
    expect(text).toContain('trained_model <customer_id> <tracking_server_uri> <run_id>');
    expect(text).toContain('training <repo_url> [--entry FILE]');
    for (const option of ['--supported-platforms LIST', '--use-devel-base-images', '--phase-timeout PHASE=S']) {
      expect(text).toContain(option);
    }
  });
});

describe('the new source forms in every argument form', () => {
  const SOURCES = [
    ['dir:///srv/projects/alice/mnist', 'folder'],
    ['https://files.example.org/alice/mnist.tar.gz', 'archive'],
    ['s3://ml-builds/alice/mnist.tgz', 'archive'],
  ] as const;

  it.each(SOURCES)("the first release's form reads %j as a %s", (url, kind) => {
    const config = run([url, 'http://registry:5000', 'proj-1', 'broker', 'observer', '--allow-file-url']);
    expect(config.repo).toMatchObject({ url, kind, owner: 'alice', name: 'mnist' });
  });

  it.each(SOURCES)("the manager's fl_actors form reads %j as a %s", (url, kind) => {
    const argv = ['http://registry:5000', 'proj-1', 'broker', 'observer', 'fl_actors', url, 'sklearn'];
    expect(run([...argv, '--allow-file-url']).repo).toMatchObject({ url, kind, owner: 'alice', name: 'mnist' });
  });

  it.each(SOURCES)('the training form reads %j as a %s', (url, kind) => {
    const argv = ['http://registry:5000', 'proj-1', 'broker', 'observer', 'training', url, '--allow-file-url'];
    expect(training(argv).repo).toMatchObject({ url, kind, owner: 'alice', name: 'mnist' });
  });

  it('refuses dir:// without --allow-file-url in every form, naming repo_url', () => {
    const url = 'dir:///srv/projects/alice/mnist';
    const manager = ['http://registry:5000', 'proj-1', 'broker', 'observer'];
    for (const argv of [
      [url, ...manager],
      [...manager, 'fl_actors', url, 'sklearn'],
      [...manager, 'training', url],
    ]) {
      expect(problems(argv)).toEqual([expect.stringMatching(/^repo_url .*--allow-file-url/)]);
    }
  });

  it('refuses an s3:// URL that names no archive in every form, naming repo_url', () => {
    const url = 's3://ml-builds/alice/mnist';
    const manager = ['http://registry:5000', 'proj-1', 'broker', 'observer'];
    for (const argv of [
      [url, ...manager],
      [...manager, 'fl_actors', url, 'sklearn'],
      [...manager, 'training', url],
    ]) {
      expect(problems(argv)).toEqual([expect.stringMatching(/^repo_url .*\.tar\.gz or \.tgz archive/)]);
    }
  });

  it('refuses --ref and --submodules for a folder or an archive in every form', () => {
    const url = 'https://files.example.org/alice/mnist.tar.gz';
    const manager = ['http://registry:5000', 'proj-1', 'broker', 'observer'];
    for (const argv of [
      [url, ...manager],
      [...manager, 'fl_actors', url, 'sklearn'],
      [...manager, 'training', url],
    ]) {
      expect(problems([...argv, '--ref', 'v2', '--submodules'])).toEqual([
        '--ref "v2": applies to git repos only, not to an archive',
        '--submodules applies to git repos only, not to an archive',
      ]);
    }
  });

  it('gives training --label and --ignore, as fl_actors', () => {
    const argv = [...split(TRAINING), '--label', 'team=ml', '--ignore', 'data/', '--ignore', '**/*.ckpt'];
    expect(training(argv)).toMatchObject({ labels: { team: 'ml' }, ignore: ['data/', '**/*.ckpt'] });
  });
});
