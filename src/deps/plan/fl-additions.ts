// What the FL images add to the repo's own requirements: the data loader's packages, and the aggregator's MLflow.

import { satisfies } from '../pep440.js';
import { cited, named, type PlanState } from './state.js';

/** The MLflow client the aggregator gets when the repo pins none that fits: 2.x, like upstream's tracking server. */
export const DEFAULT_AGGREGATOR_MLFLOW = 'mlflow<3';

/**
 * Packages a repo may use without listing them, as upstream's images handed them to every repo; the builder adds
 * each one only when the repo's code imports it, so no image carries what its code never loads.
 */
const IMPLIED_BY_IMPORT: readonly {
  readonly module: string;
  readonly packages: readonly string[];
  readonly why: string;
}[] = [
  {
    module: 'flops_utils.ml_repo_building_blocks',
    packages: ['datasets', 'pyarrow', 'pillow'],
    why: "load_dataset() reads the node's data server (Arrow Flight) into a Hugging Face dataset, images included",
  },
  {
    module: 'flops_utils.flops_learner_files_wrapper',
    packages: ['datasets', 'pyarrow', 'pillow'],
    why: "its load_ml_data() is upstream's older name of load_dataset()",
  },
  { module: 'flwr_datasets', packages: ['flwr-datasets'], why: "upstream's images bring it to every repo" },
  { module: 'pydantic', packages: ['pydantic'], why: "upstream's images bring it to every repo" },
  { module: 'PIL', packages: ['pillow'], why: "upstream's images bring it to every repo" },
];

/** Adds what the repo's imports need and it does not list, each once, saying why. */
export function addImpliedPackages(state: PlanState): void {
  if (state.options.purpose !== 'fl') return;
  const imports = new Set(state.options.imports);
  for (const rule of IMPLIED_BY_IMPORT) {
    if (!imports.has(rule.module)) continue;
    const missing = rule.packages.filter(
      (name) => named(state.items, name).length === 0 && !state.additions.includes(name),
    );
    if (missing.length === 0) continue;
    state.additions.push(...missing);
    state.patches.push(`added ${missing.join(', ')}: the code imports ${rule.module}, and ${rule.why}`);
  }
}

/**
 * The learner gets a stand-in for mlflow that reports nowhere; the aggregator gets the real client in a layer of its
 * own: the repo's pin when it is a 2.x release (upstream's tracking server is MLflow 2.12, and MLflow 3 stores models
 * where the post-training build would not find them), else the newest 2.x.
 */
export function mlflowForAggregator(state: PlanState): void {
  if (state.options.purpose !== 'fl') return;
  // The learner's removal has run: the repo's own line is looked up among every item.
  const pinned = state.items.find(
    (item) => item.applies && !item.constraint && ['mlflow', 'mlflow-skinny'].includes(item.original.name ?? ''),
  );
  const exact = /^==\s*([0-9][0-9A-Za-z.+!-]*)$/.exec(pinned?.original.specifier ?? '')?.[1];
  const fits = pinned?.original.name === 'mlflow' && exact !== undefined && satisfies(exact, '<3');
  const client = fits ? `mlflow==${exact}` : DEFAULT_AGGREGATOR_MLFLOW;
  state.aggregatorAdditions.push(client);
  const repo = pinned === undefined ? '' : fits ? `, the repo's pin ${cited(pinned)}` : ` in place of ${cited(pinned)}`;
  const imported = state.options.imports.some((module) => module === 'mlflow' || module.startsWith('mlflow.'));
  // A repo that never mentions mlflow has nothing changed: the client is in aggregatorPins, and the report says so.
  if (pinned === undefined && !imported) return;
  const standIn = imported ? 'the learner imports a stand-in for mlflow that reports nowhere; ' : '';
  state.patches.push(`${standIn}the aggregator gets the MLflow client ${client}${repo}, in a layer of its own`);
}

/**
 * MLflow releases before 2.13 or so import pkg_resources without requiring setuptools, which provides it: conda's
 * environments (upstream's) always hold setuptools, the builder's do not. Added wherever MLflow goes in and the repo
 * lists no setuptools; below 81, the release that may remove pkg_resources.
 */
export const PKG_RESOURCES = 'setuptools<81';

export function pkgResourcesForMlflow(state: PlanState): void {
  if (named(state.items, 'setuptools').length > 0) return;
  const mlflowIn = (lines: readonly string[]) => lines.some((line) => /^mlflow\b/.test(line));
  if (state.options.purpose === 'fl') {
    if (mlflowIn(state.aggregatorAdditions)) state.aggregatorAdditions.push(PKG_RESOURCES);
    return;
  }
  if (named(state.items, 'mlflow').length === 0 && named(state.items, 'mlflow-skinny').length === 0) return;
  state.additions.push(PKG_RESOURCES);
  state.patches.push(
    `added ${PKG_RESOURCES}: MLflow releases before 2.13 import pkg_resources, which only setuptools provides`,
  );
}
