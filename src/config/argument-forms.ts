// The four argument forms, told apart by the plan word, and the leading `python3 main.py` Docker may put in front.

import type { PlanName } from '../tables/phase-table.js';

/** What the positionals name, by form. */
export type ArgumentForm =
  /** Today's (the first release's) form: fl_actors without a plan word. */
  | {
      readonly plan: 'fl_actors';
      readonly form: 'positional';
      readonly repo: string;
      readonly registry: string;
      readonly projectId: string;
      readonly broker: string;
      readonly mqttPort: string | undefined;
      readonly observer: string;
    }
  | {
      readonly plan: 'fl_actors';
      readonly form: 'manager';
      readonly registry: string;
      readonly projectId: string;
      readonly broker: string;
      readonly observer: string;
      readonly repo: string;
      readonly flavor: string;
    }
  | {
      readonly plan: 'trained_model';
      readonly form: 'manager';
      readonly registry: string;
      readonly projectId: string;
      readonly broker: string;
      readonly observer: string;
      readonly customerId: string;
      readonly trackingUri: string;
      readonly runId: string;
    }
  | {
      readonly plan: 'training';
      readonly form: 'manager';
      readonly registry: string;
      readonly projectId: string;
      readonly broker: string;
      readonly observer: string;
      readonly repo: string;
    };

/** A command line that fits no form, with what could still be read from it (to report the failure over MQTT). */
export interface FormProblem {
  readonly problem: string;
  readonly plan: PlanName;
  readonly projectId: string | undefined;
  readonly broker: string | undefined;
  readonly observer: string | undefined;
}

export const PLAN_WORDS: readonly PlanName[] = ['fl_actors', 'trained_model', 'training'];
const isPlanWord = (word: string | undefined): word is PlanName =>
  (PLAN_WORDS as readonly string[]).includes(word ?? '');

/** The forms as --help shows them. */
export const FORMS_HELP = `  flops-image-builder <registry_url> <project_id> <mqtt_ip> <observer_ip> [options] fl_actors <repo_url> <ml_model_flavor>
  flops-image-builder <registry_url> <project_id> <mqtt_ip> <observer_ip> [options] trained_model <customer_id> <tracking_server_uri> <run_id>
  flops-image-builder <registry_url> <project_id> <mqtt_ip> <observer_ip> [options] training <repo_url> [--entry FILE]
  flops-image-builder <repo_url> <registry_url> <project_id> <mqtt_ip> [<mqtt_port>] <observer_ip> [options]`;

/**
 * Drops a leading `python3 main.py` (or `python main.py`): Oakestra runs the manager's command in the image's
 * WORKDIR, where main.py hands over to us, but Docker appends the same command to our ENTRYPOINT.
 */
export function withoutInterpreter(argv: readonly string[]): readonly string[] {
  const [first, second] = argv;
  return /^python(3(\.\d+)?)?$/.test(first ?? '') && second === 'main.py' ? argv.slice(2) : argv;
}

/** Reads the positionals as one of the forms. */
export function readArgumentForm(positionals: readonly string[]): ArgumentForm | FormProblem {
  const planAt = positionals.findIndex(isPlanWord);
  if (planAt < 0) return readPositionalForm(positionals);
  const plan = positionals[planAt] as PlanName;
  const [registry = '', projectId = '', broker = '', observer = ''] = positionals;
  const guess = { plan, projectId: positionals[1], broker: positionals[2], observer: positionals[3] };
  if (planAt !== 4) {
    return {
      ...guess,
      problem: `expected 4 arguments before "${plan}" (registry_url project_id mqtt_ip observer_ip), got ${planAt}`,
    };
  }
  const rest = positionals.slice(5);
  if (plan === 'fl_actors') {
    const [repo = '', flavor = ''] = rest;
    if (rest.length !== 2) {
      return {
        ...guess,
        problem: `expected 2 arguments after "fl_actors" (repo_url ml_model_flavor), got ${rest.length}`,
      };
    }
    return { plan, form: 'manager', registry, projectId, broker, observer, repo, flavor };
  }
  if (plan === 'training') {
    const [repo = ''] = rest;
    if (rest.length !== 1) {
      return { ...guess, problem: `expected 1 argument after "training" (repo_url), got ${rest.length}` };
    }
    return { plan, form: 'manager', registry, projectId, broker, observer, repo };
  }
  const [customerId = '', trackingUri = '', runId = ''] = rest;
  if (rest.length !== 3) {
    return {
      ...guess,
      problem: `expected 3 arguments after "trained_model" (customer_id tracking_server_uri run_id), got ${rest.length}`,
    };
  }
  return { plan, form: 'manager', registry, projectId, broker, observer, customerId, trackingUri, runId };
}

function readPositionalForm(positionals: readonly string[]): ArgumentForm | FormProblem {
  if (positionals.length === 5 || positionals.length === 6) {
    const [repo = '', registry = '', projectId = '', broker = ''] = positionals;
    const mqttPort = positionals.length === 6 ? positionals[4] : undefined;
    const observer = positionals.at(-1) ?? '';
    return { plan: 'fl_actors', form: 'positional', repo, registry, projectId, broker, mqttPort, observer };
  }
  // More than six words without a plan word is most likely the manager's form with a plan word we do not know.
  const managerLike = positionals.length > 6;
  const word = positionals[4];
  return {
    plan: 'fl_actors',
    projectId: managerLike ? positionals[1] : positionals[2],
    broker: managerLike ? positionals[2] : positionals[3],
    observer: managerLike ? positionals[3] : undefined,
    problem: managerLike
      ? `"${word}" is not a build plan; expected fl_actors, trained_model or training after observer_ip`
      : `expected the arguments of one of the forms in --help, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`,
  };
}
