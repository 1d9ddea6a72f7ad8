// Steps on single requirements: hashes, local and version-control requirements, and what the builder installs itself.

import { cited, listed, type PlanState, where } from './state.js';
import { DependencyRefusal } from './types.js';

const PRIVACY = "a learner must not report to a tracking server: that would break FL's privacy promise";
/** What the FL images install themselves, and why a repo's own line for it goes. */
const PROVIDED_FOR_FL: Readonly<Record<string, string>> = {
  mlflow: PRIVACY,
  'mlflow-skinny': PRIVACY,
  flwr: 'the builder installs one Flower release shared by learner and aggregator',
  'paho-mqtt': 'the builder installs the paho-mqtt its FL components are tested with',
  'flops-utils': "the images bring FLOps' own flops_utils, with upstream's API, for every python they support",
};

/** pip and uv check hashes all-or-nothing, and the builder's own packages come without them: the hashes go. */
export function dropHashes(state: PlanState): void {
  const hashed = state.items.filter((item) => item.source.hashed === true);
  const requireHashes = state.pipOptions.includes('--require-hashes');
  if (hashed.length === 0 && !requireHashes) return;
  const what = hashed.length > 0 ? `the --hash options of ${listed(hashed)}` : '--require-hashes';
  state.patches.push(
    `dropped ${what}: hashes are checked for every package or none, and Flower and paho-mqtt are added without them (the versions stay pinned; the lock the builder makes has hashes for every package)`,
  );
  state.pipOptions = state.pipOptions.filter((option) => option !== '--require-hashes');
}

/** flops_utils, however the repo requires it (an index name, a git URL of upstream's repo), is the images' own. */
export function removeFlopsUtils(state: PlanState): void {
  if (state.options.purpose !== 'fl') return;
  for (const item of state.items) {
    const url = item.parsed.url ?? '';
    const isUpstream = /addon-flops(\.git)?[@#/].*utils_library|flops[_-]utils/i.test(url);
    if (item.parsed.name !== 'flops-utils' && !(item.parsed.kind === 'vcs' && isUpstream)) continue;
    item.removed = true;
    state.patches.push(`removed ${cited(item)}: ${PROVIDED_FOR_FL['flops-utils']}`);
  }
}

export function refuseLocalAndVcs(state: PlanState): void {
  for (const item of state.items) {
    const { parsed, source } = item;
    if (item.removed) continue;
    if (parsed.kind === 'vcs') {
      throw new DependencyRefusal(
        'VCS_REQUIREMENT',
        `${source.requirement} (${where(source)}) is installed from version control, which needs git in the base image, and the images have none; publish the package to an index, or point at a wheel or archive URL (name @ https://…/name-1.0-py3-none-any.whl)`,
      );
    }
    if (parsed.kind !== 'path') continue;
    if (/^(file:(\/\/)?)?\.\/?$/.test(parsed.url ?? '')) {
      item.removed = true;
      state.patches.push(
        `removed the repo itself ("${source.requirement}" at ${where(source)}): its code is at /app, on the images' PYTHONPATH`,
      );
      continue;
    }
    throw new DependencyRefusal(
      'LOCAL_PATH_REQUIREMENT',
      `${source.requirement} (${where(source)}) is a local path; the dependencies are installed before the repo is copied into the image, so move that code into the repo and import it from there, or publish it as a package`,
    );
  }
}

/** The FL images install mlflow (aggregator only), Flower, paho-mqtt and flops_utils themselves. */
export function removeProvidedPackages(state: PlanState): void {
  if (state.options.purpose !== 'fl') return;
  for (const item of state.items) {
    const reason = item.parsed.name === undefined ? undefined : PROVIDED_FOR_FL[item.parsed.name];
    if (reason === undefined || item.removed) continue;
    item.removed = true;
    const from = reason === PRIVACY ? ' from the learner' : '';
    state.patches.push(`removed ${cited(item)}${from}: ${reason}`);
  }
}
