// What the base image's one `pip install` gets: the rendered requirements.txt and constraints, and the builder's
// own pins. inject writes the files into the build context, base.Containerfile names the pins; resolve checks all.

import type { PatchResult } from '../phases/patch.js';

/** The lines of the base image's requirements.txt: pip option lines (index URLs) first, then the requirements. */
export function requirementsFileLines(patched: PatchResult): string[] {
  return [...patched.pipOptions, ...patched.requirements];
}

/** The lines of the base image's constraints.txt (the repo's `-c` files), installed with `-c`. */
export function constraintsFileLines(patched: PatchResult): string[] {
  return [...patched.constraints];
}

/** What base.Containerfile installs after `-r requirements.txt`, as pip requirements. */
export function builderPins(patched: PatchResult): string[] {
  return [`flwr==${patched.flwrVersion}`, `paho-mqtt==${patched.pahoMqttVersion}`];
}
