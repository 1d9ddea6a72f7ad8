import { describe, expect, it } from 'vitest';
import { parseManagerArgs } from './builder-args.js';

const COMMON = ['http://192.0.2.10:5073', '6650f1a2b3c4d5e6f7a8b9c0', '192.0.2.20', '192.0.2.21'];
const FL_ACTORS = ['fl_actors', 'https://github.com/example-org/mnist.git', 'pytorch'];
const TRAINED_MODEL = ['trained_model', 'Admin', 'http://192.0.2.30:7027', '0f3c9d2b6a8e4f1c9b7d5e3a1c2b4d6f'];

describe('the manager form of the builder command line', () => {
  it.each<[string, string[], string]>([
    [
      'fl_actors with platforms',
      [...COMMON, '--supported_platforms=linux/amd64,linux/arm64', ...FL_ACTORS],
      'fl_actors',
    ],
    [
      'fl_actors with every option',
      [
        ...COMMON,
        '--supported_platforms=linux/amd64',
        '--deactivate-notifications',
        ...FL_ACTORS,
        '--use-devel-base-images',
      ],
      'fl_actors',
    ],
    ['fl_actors without options', [...COMMON, ...FL_ACTORS], 'fl_actors'],
    ['trained_model', [...COMMON, '--supported_platforms=linux/amd64', ...TRAINED_MODEL], 'trained_model'],
    [
      'service names as hosts',
      ['http://registry:5073', 'local-project', 'mqtt', 'observer:2727', ...FL_ACTORS],
      'fl_actors',
    ],
  ])('accepts %s', (_name, tokens, plan) => {
    const { args, problems } = parseManagerArgs(tokens);
    expect(problems).toEqual([]);
    expect(args?.plan).toBe(plan);
  });

  it.each<[string, string[], string]>([
    ['no plan word', COMMON, 'plan word ""'],
    ['an unknown plan word', [...COMMON, 'build', 'x'], 'plan word "build"'],
    [
      'an option after the plan word',
      [...COMMON, ...FL_ACTORS, '--supported_platforms=linux/amd64'],
      'after fl_actors',
    ],
    ['an unknown option', [...COMMON, '--push', ...FL_ACTORS], '"--push" before the plan word'],
    ['an unknown platform', [...COMMON, '--supported_platforms=linux/s390x', ...FL_ACTORS], 'platforms are'],
    [
      'an option twice',
      [...COMMON, '--deactivate-notifications', '--deactivate-notifications', ...FL_ACTORS],
      'given twice',
    ],
    [
      'an unknown flavor',
      [...COMMON, 'fl_actors', 'https://github.com/example-org/mnist.git', 'jax'],
      'ml_model_flavor "jax"',
    ],
    ['an empty repo URL', [...COMMON, 'fl_actors', '', 'pytorch'], 'repo_url ""'],
    [
      'devel images for arm64',
      [...COMMON, '--supported_platforms=linux/arm64', ...FL_ACTORS, '--use-devel-base-images'],
      'linux/amd64 alone',
    ],
    [
      'a run id that is not one',
      [...COMMON, 'trained_model', 'Admin', 'http://192.0.2.30:7027', 'latest'],
      'run_id "latest"',
    ],
    [
      'a scheme on the broker',
      ['http://192.0.2.10:5073', 'p', 'mqtt://192.0.2.20', '192.0.2.21', ...FL_ACTORS],
      'mqtt_ip',
    ],
    [
      'a project id with ..',
      ['http://192.0.2.10:5073', 'a..b', '192.0.2.20', '192.0.2.21', ...FL_ACTORS],
      'project_id "a..b"',
    ],
  ])('refuses %s', (_name, tokens, problem) => {
    const { args, problems } = parseManagerArgs(tokens);
    expect(args).toBeUndefined();
    expect(problems.join('\n')).toContain(problem);
  });
});
