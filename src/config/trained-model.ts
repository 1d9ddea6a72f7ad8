// The trained_model plan's own arguments: the customer, the MLflow tracking server and the run whose model is served.

import type { ArgumentForm } from './argument-forms.js';
import { isProblem } from './checks.js';
import type { CommonConfig, CommonValues } from './common.js';
import { parseModelRef, type RegisteredModel, registeredModelTag } from './model-ref.js';
import type { OptionName, OptionValues } from './options.js';
import { collectSecrets, parseTrackingUri, toRegistryName } from './values.js';

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
  /** run_id as given: a run id, or `models:/<name>/<version>`. */
  readonly runId: string;
  /** The registered model's version when run_id names one (its run is learned from the tracking server). */
  readonly registeredModel: RegisteredModel | undefined;
  /** The serving image's tag: the run id, or `<name>-v<version>`. */
  readonly imageTag: string;
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
  const modelRef = parseModelRef(form.runId);
  if (isProblem(modelRef)) problems.push(`run_id "${form.runId}": ${modelRef.problem}`);
  if (
    common === undefined ||
    customer === undefined ||
    isProblem(trackingUri) ||
    isProblem(modelRef) ||
    problems.length > 0
  ) {
    return undefined;
  }
  const { secretValues, secretUrls, ...rest } = common;
  return {
    ...rest,
    plan: 'trained_model',
    customerId: form.customerId,
    trackingUri,
    runId: form.runId,
    registeredModel: modelRef,
    imageTag: modelRef === undefined ? form.runId : registeredModelTag(modelRef),
    secrets: collectSecrets(secretValues, [trackingUri.href, ...secretUrls]),
  };
}
