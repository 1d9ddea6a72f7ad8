// Releases that break code written before them. A package the repo or the model leaves unpinned, and that comes in
// for what the builder adds (datasets for load_dataset) or for what the code uses (MLflow's scoring server), is bounded
// below the break with a constraint: a constraint changes nothing when the package is not installed, and a repo that
// pins the package itself keeps its pin. The table is chosen over resolving as of the repo's date (docs/ml-repo.md).

import { intersects, satisfies } from '../pep440.js';
import { named, type PlanState } from './state.js';

/** One break: the bound that avoids it, when it applies, what breaks and where that is documented or measured. */
export interface KnownBreak {
  /** The package bounded (normalised name). */
  readonly name: string;
  /** The bound, a PEP 440 specifier: `<4`. */
  readonly bound: string;
  readonly applies: (state: PlanState) => boolean;
  readonly why: string;
  readonly source: string;
}

/** Modules whose datasets API upstream's images gave as datasets 2.x: load_dataset() (and its older name), flwr_datasets. */
const DATASET_MODULES = [
  'flops_utils.ml_repo_building_blocks',
  'flops_utils.flops_learner_files_wrapper',
  'flwr_datasets',
];

export const KNOWN_BREAKS: readonly KnownBreak[] = [
  {
    name: 'datasets',
    bound: '<4',
    applies: (state) =>
      state.options.purpose === 'fl' && state.options.imports.some((module) => DATASET_MODULES.includes(module)),
    why: 'datasets 4.0 returns a lazy Column for dataset["image"], even after set_format("numpy"), where 2.x and 3.x (upstream\'s images hold 2.x) return the array that upstream\'s examples reshape and slice',
    source: 'https://github.com/huggingface/datasets/releases/tag/4.0.0',
  },
  {
    name: 'pyarrow',
    bound: '<26',
    applies: (state) => allowsNoNumpy2(state) && (state.additions.includes('pyarrow') || servedBy(state, '')),
    why: 'pyarrow 26 fails at import with "pyarrow requires NumPy 2.0 or newer" while its metadata requires no numpy, and the numpy pinned here is 1.x',
    source: 'measured: pyarrow 26.0.1 beside numpy 1.26.4 (25.0.1 imports)',
  },
  {
    name: 'starlette',
    bound: '<1',
    applies: (state) => servedBy(state, '>=2.21,<3.11'),
    why: "MLflow 2.21 to 3.10 serve with FastAPI and @app.route, which starlette 1.0 removed ('FastAPI' object has no attribute 'route'); 3.11 no longer uses it",
    source:
      'https://github.com/encode/starlette/releases/tag/1.0.0, mlflow/pyfunc/scoring_server/__init__.py of each release',
  },
  {
    name: 'setuptools',
    bound: '<81',
    // Without a setuptools line, pkgResourcesForMlflow adds `setuptools<81` itself.
    applies: (state) => mlflowIn(state, '<2.13') && named(state.items, 'setuptools').length > 0,
    why: 'MLflow before 2.13 imports pkg_resources, which setuptools 81 no longer provides; the unpinned setuptools of the environment (MLflow writes one into python_env.yaml) would be the newest',
    source: "measured: MLflow 2.12.1's mlflow server and mlflow models serve, No module named 'pkg_resources'",
  },
];

/** Adds a constraint for every known break that applies and that the repo's own pins do not already decide. */
export function boundKnownBreaks(state: PlanState): void {
  for (const entry of KNOWN_BREAKS) {
    if (!entry.applies(state) || pinsItself(state, entry.name)) continue;
    const line = `${entry.name}${entry.bound}`;
    state.addedConstraints.push(line);
    state.patches.push(`bounded ${line}: ${entry.why} (${entry.source})`);
  }
}

/** The repo names a version of `name` (any specifier): its authors chose, and the builder does not second-guess. */
function pinsItself(state: PlanState, name: string): boolean {
  return state.items.some(
    (item) =>
      !item.removed &&
      item.applies &&
      item.parsed.kind === 'index' &&
      item.parsed.name === name &&
      (item.parsed.specifier ?? '') !== '',
  );
}

/** The repo's numpy requirements leave no 2.x release (`numpy==1.26.4`, `numpy<2`). */
function allowsNoNumpy2(state: PlanState): boolean {
  const numpy = named(state.items, 'numpy');
  return numpy.length > 0 && numpy.some((item) => !intersects(item.parsed.specifier ?? '', '>=2'));
}

/** The model is served by an MLflow release (its exact pin) within `range` ('' for any). */
function servedBy(state: PlanState, range: string): boolean {
  if (state.options.purpose !== 'serving') return false;
  return named(state.items, 'mlflow').some((item) => pinnedWithin(`mlflow${item.parsed.specifier}`, range));
}

/** A pinned MLflow release within `range` goes in: the model's, or the FL aggregator's client. */
function mlflowIn(state: PlanState, range: string): boolean {
  if (state.options.purpose === 'serving') return servedBy(state, range);
  return state.aggregatorAdditions.some((line) => pinnedWithin(line, range));
}

/** `mlflow==2.12.1` within `range`; false for anything but an exact pin of mlflow. */
function pinnedWithin(line: string, range: string): boolean {
  const exact = /^mlflow\s*==\s*([0-9][0-9A-Za-z.+!-]*)$/.exec(line.trim())?.[1];
  return exact !== undefined && satisfies(exact, range);
}
