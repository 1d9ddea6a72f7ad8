// pip's dry-run check of a dependency set for one target: what fails gets a message naming the pins to change.
// pip stays for this because its report and its "conflict is caused by" lines are what the explanations read.

import { builderPins, constraintsFileLines, requirementsFileLines } from '../deps/install-set.js';
import type { DependencyPlan } from '../deps/plan/plan.js';
import { PhaseError } from '../errors.js';
import type { ResolvedPackage } from '../tools/pip-output.js';
import {
  type ExplainContext,
  explainConflict,
  explainIndexFailure,
  explainNotChecked,
  explainNotFound,
} from './explain.js';
import { type NotChecked, type PipSetup, resolveSet } from './resolve-set.js';

/** What pip found installable, and what it left out of the check. */
export interface PipChecked {
  readonly packages: readonly ResolvedPackage[];
  readonly pipVersion: string;
  readonly markerPython: string;
  /** Readable lines, for the report. */
  readonly notChecked: readonly string[];
  /** The same, as values (source-only requirements lead to what is left out of a lock). */
  readonly notCheckedItems: readonly NotChecked[];
}

/** A set pip checks: what the base image's install gets, and what is installed with it. */
export interface PipCheckSet {
  readonly python: string;
  /** The lines of the requirements file (pip option lines first). */
  readonly requirements: readonly string[];
  readonly constraints: readonly string[];
  /** The builder's pins and the aggregator's extras. */
  readonly packages: readonly string[];
}

/** The plan's whole set, with `extras` installed beside it. */
export function planSet(plan: DependencyPlan, extras: readonly string[]): PipCheckSet {
  return {
    python: plan.python,
    requirements: requirementsFileLines(plan),
    constraints: constraintsFileLines(plan),
    packages: [...builderPins(plan), ...extras],
  };
}

/** Checks a whole set for one target; a failure is a PhaseError with the explanation. */
export async function checkWithPip(
  set: PipCheckSet,
  architecture: string,
  context: ExplainContext,
  workDir: string,
  pip: PipSetup,
): Promise<PipChecked> {
  const outcome = await resolveSet(
    {
      target: { python: set.python, architecture },
      requirements: set.requirements,
      constraints: set.constraints,
      packages: set.packages,
      workDir,
    },
    pip,
  );
  switch (outcome.status) {
    case 'installable':
      return {
        packages: outcome.packages,
        pipVersion: outcome.pipVersion,
        markerPython: outcome.markerPython,
        notChecked: outcome.notChecked.map((item) => explainNotChecked(item, context)),
        notCheckedItems: outcome.notChecked,
      };
    case 'unchecked':
      return {
        packages: [],
        pipVersion: '',
        markerPython: '',
        notChecked: outcome.notChecked.map((item) => explainNotChecked(item, context)),
        notCheckedItems: outcome.notChecked,
      };
    case 'conflict':
      throw new PhaseError('DEPENDENCY_CONFLICT', explainConflict(outcome, context));
    case 'not-found':
      throw new PhaseError('DEPENDENCY_CONFLICT', explainNotFound(outcome, context));
    case 'index-failed':
      throw new PhaseError('RESOLVE_FAILED', explainIndexFailure(outcome, context));
    case 'failed':
      throw new PhaseError(
        'RESOLVE_FAILED',
        `pip could not check the dependencies: ${outcome.detail}. Use --skip-resolve to build without this check.`,
      );
  }
}
