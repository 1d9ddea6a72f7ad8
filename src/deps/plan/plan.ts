// From the repo's environment to what the images install: every change a careful engineer would make, each with its
// reason. The steps are data: each purpose runs its list in order over one state.

import type { EnvSpec, Requirement } from '../env-spec.js';
import { PAHO_MQTT_VERSION } from '../flwr-release-table.js';
import { markerMachine } from '../known-packages.js';
import { mlflowExport } from '../mlflow-export.js';
import { evaluateMarker } from '../pep508-marker.js';
import { parseRequirement } from '../pep508-requirement.js';
import { chooseInstaller, condaEnvironment } from './conda-step.js';
import { addImpliedPackages, mlflowForAggregator, pkgResourcesForMlflow } from './fl-additions.js';
import { chooseFlower } from './flower-step.js';
import { boundKnownBreaks } from './known-breaks.js';
import { dropHashes, refuseLocalAndVcs, removeFlopsUtils, removeProvidedPackages } from './requirement-steps.js';
import { type Item, type PlanState, type PlanStep, text, where } from './state.js';
import { cpuTorch, pairTorchCompanions, pipItems, refuseFrameworksWithoutPython } from './torch-steps.js';
import { type DependencyPlan, DependencyRefusal, type PlanOptions, type PlanPurpose } from './types.js';

export { CONDA_ENV_NAME } from './conda-step.js';
export * from './types.js';

/** The steps of each purpose, in order. */
const STEPS: Readonly<Record<PlanPurpose, readonly PlanStep[]>> = {
  fl: [
    dropHashes,
    removeFlopsUtils,
    refuseLocalAndVcs,
    removeProvidedPackages,
    chooseInstaller,
    refuseFrameworksWithoutPython,
    pairTorchCompanions,
    cpuTorch,
    chooseFlower,
    addImpliedPackages,
    mlflowForAggregator,
    pkgResourcesForMlflow,
    boundKnownBreaks,
  ],
  // A trained model's requirements are what MLflow recorded; mlflow itself stays, as it serves the model.
  serving: [
    dropHashes,
    refuseLocalAndVcs,
    chooseInstaller,
    refuseFrameworksWithoutPython,
    pairTorchCompanions,
    cpuTorch,
    pkgResourcesForMlflow,
    boundKnownBreaks,
  ],
  // The repo's own requirements, without what only FL needs: flops_utils stays the repo's to install or not, nothing
  // the FL images provide is removed, no Flower is chosen and nothing is added for the FL runtime's imports.
  training: [
    dropHashes,
    refuseLocalAndVcs,
    chooseInstaller,
    refuseFrameworksWithoutPython,
    pairTorchCompanions,
    cpuTorch,
    pkgResourcesForMlflow,
  ],
};

/** Plans the images' dependencies; throws DependencyRefusal when the environment cannot work. */
export function planDependencies(env: EnvSpec, options: PlanOptions): DependencyPlan {
  const machine = markerMachine(options.architecture);
  const toItem =
    (constraint: boolean) =>
    (source: Requirement): Item => {
      const parsed = parseRequirement(source.requirement);
      if (parsed === undefined) {
        throw new DependencyRefusal(
          'UNREADABLE_REQUIREMENT',
          `${source.requirement} (${where(source)}) is not a requirement pip can read; write it as PEP 508 says (name, extras, version, marker)`,
        );
      }
      const applies =
        parsed.marker === undefined || evaluateMarker(parsed.marker, { python: options.python, machine }) !== false;
      return { source, constraint, applies, original: parsed, parsed, removed: false, raised: false };
    };
  const state: PlanState = {
    env,
    options,
    machine,
    items: [...env.requirements.map(toItem(false)), ...env.constraints.map(toItem(true))],
    pipOptions: env.pipOptions.map((option) => option.option),
    patches: [],
    installer: 'pip',
    flwrVersion: undefined,
    additions: [],
    aggregatorAdditions: [],
    addedConstraints: [],
  };
  for (const step of STEPS[options.purpose]) step(state);

  const live = pipItems(state).filter((item) => !item.removed);
  const flower =
    state.flwrVersion === undefined ? [] : [`flwr==${state.flwrVersion}`, `paho-mqtt==${PAHO_MQTT_VERSION}`];
  return {
    purpose: options.purpose,
    python: options.python,
    installer: state.installer,
    baseImage:
      state.installer === 'conda'
        ? options.condaBaseImage
        : (options.baseImage ?? `docker.io/library/python:${options.python}-slim`),
    flwrVersion: state.flwrVersion,
    runtimePins: [...flower, ...state.additions],
    aggregatorPins: state.aggregatorAdditions,
    requirements: live.filter((item) => !item.constraint).map(text),
    constraints: [...live.filter((item) => item.constraint).map(text), ...state.addedConstraints],
    pipOptions: [...new Set(state.pipOptions)],
    condaEnvironment: state.installer === 'conda' ? condaEnvironment(state) : undefined,
    patches: state.patches,
    sources: Object.fromEntries(
      live.flatMap((item) => (item.parsed.name === undefined ? [] : [[item.parsed.name, where(item.source)]])),
    ),
    snapshot: mlflowExport(env),
  };
}
