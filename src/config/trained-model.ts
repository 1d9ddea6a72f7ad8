// The trained_model plan's own arguments: the customer, the MLflow tracking server and the run whose model is served.

import type { ArgumentForm } from './argument-forms.js';
import { isProblem } from './checks.js';
import type { CommonConfig, CommonValues } from './common.js';
import type { OptionName, OptionValues } from './options.js';
import { collectSecrets, parseTrackingUri, runIdProblem, toRegistryName } from './values.js';

/** Options that only the fl_actors plan reads; trained_model refuses them. */
const FL_ACTORS_ONLY: readonly OptionName[] = [
  'ref',
  'submodules',
  'allow-file-url',
  'max-repo-mb',
  'max-repo-files',
  'ml-model-flavor',
  'ignore',
];

/** The trained_model plan: the serving image of the model an MLflow run logged. */
export interface TrainedModelConfig extends CommonConfig {
  readonly plan: 'trained_model';
  /** As the manager passes it; the image's path uses it lower-cased. */
  readonly customerId: string;
  readonly trackingUri: URL;
  readonly runId: string;
}

/** Reads the rest of trained_model, refusing fl_actors' options; undefined when a problem leaves nothing to build. */
export function readTrainedModel(
  form: Extract<ArgumentForm, { plan: 'trained_model' }>,
  common: CommonValues | undefined,
  values: OptionValues,
  problems: string[],
): TrainedModelConfig | undefined {
  for (const name of FL_ACTORS_ONLY) {
    if (values[name] !== undefined) problems.push(`--${name} applies to fl_actors only, not to trained_model`);
  }
  const customer = toRegistryName(form.customerId);
  if (customer === undefined) {
    problems.push(
      `customer_id "${form.customerId}": use letters, digits, ".", "_" or "-" (it becomes the image's path)`,
    );
  }
  const trackingUri = parseTrackingUri(form.trackingUri);
  if (isProblem(trackingUri)) problems.push(`tracking_server_uri "${form.trackingUri}": ${trackingUri.problem}`);
  const runProblem = runIdProblem(form.runId);
  if (runProblem !== undefined) problems.push(`run_id "${form.runId}": ${runProblem}`);
  if (common === undefined || customer === undefined || isProblem(trackingUri) || problems.length > 0) return undefined;
  const { secretValues, secretUrls, ...rest } = common;
  return {
    ...rest,
    plan: 'trained_model',
    customerId: form.customerId,
    trackingUri,
    runId: form.runId,
    secrets: collectSecrets(secretValues, [trackingUri.href, ...secretUrls]),
  };
}
