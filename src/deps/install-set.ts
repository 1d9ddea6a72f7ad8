// What the base image's one install gets: the rendered requirements.txt and constraints, and the builder's own pins.
// inject writes the files into the build context, base.Containerfile names the pins; resolve checks all of them.

import type { DependencyPlan } from './plan/plan.js';

/** The lines of the base image's requirements.txt: pip option lines (index URLs) first, then the requirements. */
export function requirementsFileLines(plan: DependencyPlan): string[] {
  return [...plan.pipOptions, ...plan.requirements];
}

/** The lines of the base image's constraints.txt (the repo's `-c` files), installed with `-c`. */
export function constraintsFileLines(plan: DependencyPlan): string[] {
  return [...plan.constraints];
}

/** What the builder installs besides the repo's requirements (Flower, paho-mqtt, the data loader's packages). */
export function builderPins(plan: DependencyPlan): string[] {
  return [...plan.runtimePins];
}
