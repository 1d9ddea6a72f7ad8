// Resolve outcomes in plain English: what went wrong, for which python, and what to change.

import { requirementName } from '../deps/requirement-name.js';
import type { NotChecked, ResolveOutcome } from './resolve-set.js';

/** What a message needs to say where to act. */
export interface ExplainContext {
  readonly python: string;
  /** OCI architecture (`amd64`). */
  readonly architecture: string;
  /** The repo's environment file (`conda.yaml`). */
  readonly envFile: string;
  readonly flwrVersion: string | undefined;
  readonly indexUrl: string;
  /** Names of what the builder installs itself (`flwr`, `paho-mqtt`): the repo cannot change those. */
  readonly builderProjects: readonly string[];
}

const MAX_VERSIONS = 6;

/** The failed payload's message for a conflict between requirements. */
export function explainConflict(
  outcome: Extract<ResolveOutcome, { status: 'conflict' }>,
  context: ExplainContext,
): string {
  const ours = outcome.requirements.filter((requirement) =>
    context.builderProjects.includes(requirementName(requirement) ?? ''),
  );
  const theirs = outcome.requirements.filter((requirement) => !ours.includes(requirement));
  const causes = outcome.causes.length > 0 ? ` (${outcome.causes.join('; ')})` : '';
  const what = `${joinAnd(outcome.requirements)} cannot be installed together on python ${context.python}${causes}`;
  if (theirs.length === 0)
    return `${what}. These are the builder's own pins: please report this as a bug of the builder.`;
  const pins = theirs.length === 1 ? `the pin ${theirs[0]}` : `the pins ${joinAnd(theirs)}`;
  const why = ours.some((requirement) => requirementName(requirement) === 'flwr')
    ? `: the images need flwr ${context.flwrVersion}, the Flower release for python ${context.python}, and its requirements`
    : ' until their requirements overlap';
  return `${what}. Relax or remove ${pins} in ${context.envFile}${why}.`;
}

/** The failed payload's message when no release of a requirement installs on the target. */
export function explainNotFound(
  outcome: Extract<ResolveOutcome, { status: 'not-found' }>,
  context: ExplainContext,
): string {
  const where = `python ${context.python} on linux/${context.architecture}`;
  const asked = outcome.parent ? `${outcome.requirement}, which ${outcome.parent} requires,` : outcome.requirement;
  if (outcome.wheelVersions.length === 0) {
    return `${asked} cannot be installed: the package index ${context.indexUrl} has no release of ${outcome.project} for ${where}. Check the name in ${context.envFile}, the python version it asks for and, for a private index, the credentials in its URL (pip hears "not found" when an index refuses them).`;
  }
  const listed = outcome.wheelVersions.slice(0, MAX_VERSIONS).join(', ');
  const more = outcome.wheelVersions.length > MAX_VERSIONS ? ', …' : '';
  const change = outcome.parent
    ? `a version of ${outcome.parent} that accepts one of them`
    : `one of them in ${context.envFile}`;
  return `${asked} cannot be installed: no release of ${outcome.project} that matches it installs on ${where}. Versions that do: ${listed}${more}. Pick ${change}.`;
}

/** The failed payload's message when pip could not use the package index. */
export function explainIndexFailure(
  outcome: Extract<ResolveOutcome, { status: 'index-failed' }>,
  context: ExplainContext,
): string {
  // The failing one may be an extra index (PyTorch's, from the repo's requirements), not the main one.
  const host = /host='([^']+)'/.exec(outcome.detail)?.[1] ?? /https?:\/\/([^/:\s]+)/.exec(outcome.detail)?.[1];
  const index = host ? `the package index at ${host}` : `the package index ${context.indexUrl}`;
  if (outcome.tls) {
    return `pip could not verify the TLS certificate of ${index} (${outcome.detail}). Behind a proxy that intercepts TLS, pass its CA with --ca-cert; offline, use --skip-resolve.`;
  }
  return `pip could not use ${index} (${outcome.detail}). Check PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, the index lines of the requirements, the proxy settings and the network, or build without this check with --skip-resolve.`;
}

/** One line per requirement the check left out, for the done detail. */
export function explainNotChecked(item: NotChecked, context: ExplainContext): string {
  switch (item.reason) {
    case 'direct-reference':
      return `${item.requirement}: not checked (a VCS, path or source-archive reference, which pip would have to build)`;
    case 'no-binary-option':
      return `${item.requirement}: not checked (it asks pip to build from source)`;
    case 'source-only': {
      const asked = item.parent ? `${item.requirement} (required by ${item.parent})` : item.requirement;
      return `${asked}: not checked, it has no wheel for python ${context.python} on linux/${context.architecture}, only source releases; the build compiles it, which fails if it needs a compiler`;
    }
  }
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
