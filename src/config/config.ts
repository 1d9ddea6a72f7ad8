// argv and environment → one frozen Config. The only module that reads process.env: the readers are handed `env`.

import { UsageError } from '../errors.js';
import { type Endpoint, parseEndpoint } from '../tables/endpoint.js';
import { readArgumentForm, withoutInterpreter } from './argument-forms.js';
import { isProjectId, parseBroker } from './checks.js';
import { readCommon } from './common.js';
import { DEFAULT_MQTT_PORT, DEFAULT_OBSERVER_PORT } from './defaults.js';
import { type FlActorsConfig, readFlActors, readRepo } from './fl-actors.js';
import { type OptionName, parseCommandLine } from './options.js';
import { readTrainedModel, type TrainedModelConfig } from './trained-model.js';
import { readTraining, type TrainingConfig } from './training.js';
import { deepFreeze } from './values.js';

export type { CommonConfig } from './common.js';
export type { FlActorsConfig } from './fl-actors.js';
export type { TrainedModelConfig } from './trained-model.js';
export type { TrainingConfig } from './training.js';
export { DEFAULT_MQTT_PORT, DEFAULT_OBSERVER_PORT };

export type Config = FlActorsConfig | TrainedModelConfig | TrainingConfig;

/** What the command line asked for. */
export type Invocation = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: Config };

/** Reads the command line and environment; throws UsageError listing every problem. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Invocation {
  const { positionals, values, problems: optionProblems } = parseCommandLine(withoutInterpreter(argv));
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  const problems = [...optionProblems];
  const form = readArgumentForm(positionals);
  const notifications = values['deactivate-notifications'] !== true;
  if ('problem' in form) {
    throw new UsageError([...problems, form.problem], {
      plan: form.plan,
      projectId: isProjectId(form.projectId) ? form.projectId : undefined,
      mqtt: readEndpoint(form.broker, DEFAULT_MQTT_PORT),
      observer: readEndpoint(form.observer, DEFAULT_OBSERVER_PORT),
      notifications,
    });
  }
  const text = (name: OptionName): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  // In the first form the repo comes first: its problem is reported first, as the command line reads.
  const repoFirst = form.plan === 'fl_actors' && form.form === 'positional';
  const firstRepo = repoFirst ? readRepo(form.repo, values, problems) : undefined;
  const common = readCommon(form, values, text, env, problems);
  if (form.plan !== 'training' && values.entry !== undefined) {
    problems.push(`--entry applies to training only, not to ${form.plan}`);
  }
  const config =
    form.plan === 'fl_actors'
      ? readFlActors(
          form,
          repoFirst ? firstRepo : readRepo(form.repo, values, problems),
          common,
          values,
          text,
          env,
          problems,
        )
      : form.plan === 'training'
        ? readTraining(readRepo(form.repo, values, problems), common, values, text, env, problems)
        : readTrainedModel(form, common, values, problems);
  if (problems.length > 0 || config === undefined) {
    throw new UsageError(problems, {
      plan: form.plan,
      projectId: isProjectId(form.projectId) ? form.projectId : undefined,
      mqtt: parseBroker(form.broker, form.form === 'positional' ? form.mqttPort : undefined, []),
      observer: readEndpoint(form.observer, DEFAULT_OBSERVER_PORT),
      notifications,
    });
  }
  return { kind: 'run', config: deepFreeze(config) };
}

/** An endpoint when the text is one, for reporting a usage failure; undefined otherwise. */
function readEndpoint(text: string | undefined, defaultPort: number): Endpoint | undefined {
  const endpoint = text === undefined ? undefined : parseEndpoint(text, defaultPort);
  return typeof endpoint === 'object' ? endpoint : undefined;
}
