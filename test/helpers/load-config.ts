// Calling loadConfig in unit tests: the Config of a run, or the problems of a usage error.

import { type Config, type FlActorsConfig, loadConfig } from '../../src/config/config.js';
import { UsageError } from '../../src/errors.js';

/** Valid positional arguments: repo, registry, project, broker, observer. */
export const ARGS = [
  'https://github.com/Alice/MNIST.git',
  'http://registry:5000',
  'proj-1',
  'broker',
  'observer',
] as const;

/** The Config of a run; throws when the command line asks for help or version instead. */
export function runAny(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Config {
  const invocation = loadConfig(argv, env);
  if (invocation.kind !== 'run') throw new Error(`expected a run, got ${invocation.kind}`);
  return invocation.config;
}

/** The Config of an fl_actors run; throws for anything else. */
export function run(argv: readonly string[], env: NodeJS.ProcessEnv = {}): FlActorsConfig {
  const config = runAny(argv, env);
  if (config.plan !== 'fl_actors') throw new Error(`expected the fl_actors plan, got ${config.plan}`);
  return config;
}

/** The problems of the UsageError the command line must cause (which always carries exit code 2). */
export function problems(argv: readonly string[], env: NodeJS.ProcessEnv = {}): readonly string[] {
  try {
    loadConfig(argv, env);
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.exitCode !== 2) throw new Error(`a usage error must exit 2, not ${error.exitCode}`);
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected a UsageError');
}
