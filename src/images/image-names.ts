// The image names the FL manager looks for: <registry>/<owner>/<repo>/{learner,aggregator}:<commit sha>.

import type { RepoUrl } from '../tables/repo-url.js';

/** The two images of one commit. */
export interface ImageNames {
  /** The repo's path in the registry, e.g. `alice/mnist`. */
  readonly path: string;
  /** Registry paths without host or tag, e.g. `alice/mnist/learner`. */
  readonly learnerRepository: string;
  readonly aggregatorRepository: string;
  /** Fully qualified references, e.g. `registry:5073/alice/mnist/learner:<sha>`. */
  readonly learner: string;
  readonly aggregator: string;
  readonly tag: string;
  /** Set when the repo's owner or name had to change beyond lower-casing the owner. */
  readonly adjusted: { readonly from: string; readonly to: string } | null;
}

// A path component as the distribution registry accepts it.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Makes a path component a registry accepts: lower case, other characters as "-", no leading or trailing separators. */
export function toRegistryComponent(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[._-]{2,}/g, (run) => (run === '__' ? run : '-'))
    .replace(/^[._-]+|[._-]+$/g, '');
  return COMPONENT.test(cleaned) ? cleaned : 'repo';
}

/** Derives the image names for a repo at a commit; the owner is lower-cased, the repo name made valid if needed. */
export function deriveImageNames(repo: RepoUrl, registryHostPort: string, commitSha: string): ImageNames {
  const owner = toRegistryComponent(repo.owner);
  const name = toRegistryComponent(repo.name);
  const original = `${repo.owner.toLowerCase()}/${repo.name}`;
  const path = `${owner}/${name}`;
  const learnerRepository = `${path}/learner`;
  const aggregatorRepository = `${path}/aggregator`;
  return {
    path,
    learnerRepository,
    aggregatorRepository,
    learner: `${registryHostPort}/${learnerRepository}:${commitSha}`,
    aggregator: `${registryHostPort}/${aggregatorRepository}:${commitSha}`,
    tag: commitSha,
    adjusted: original === path ? null : { from: `${repo.owner}/${repo.name}`, to: path },
  };
}

/** The training image of one commit: `<registry>/<owner>/<repo>/trainer:<commit sha>`. */
export interface TrainerImage {
  /** The repo's path in the registry, e.g. `alice/iris`. */
  readonly path: string;
  readonly repository: string;
  readonly reference: string;
  readonly tag: string;
  readonly adjusted: { readonly from: string; readonly to: string } | null;
}

/** The trainer's name beside the repo's FL images, made valid the same way. */
export function trainerImageName(repo: RepoUrl, registryHostPort: string, commitSha: string): TrainerImage {
  const names = deriveImageNames(repo, registryHostPort, commitSha);
  const repository = `${names.path}/trainer`;
  return {
    path: names.path,
    repository,
    reference: `${registryHostPort}/${repository}:${commitSha}`,
    tag: commitSha,
    adjusted: names.adjusted,
  };
}

/** The serving image of a trained model: `<registry>/<customer_id lower-cased>/trained_model:<run_id>`. */
export interface TrainedModelImage {
  /** The customer's path in the registry (`admin`). */
  readonly path: string;
  readonly repository: string;
  readonly reference: string;
  readonly tag: string;
}

/** The name the manager computes for the trained model's image (the customer id is checked by config). */
export function trainedModelImageName(registryHostPort: string, customerId: string, runId: string): TrainedModelImage {
  const path = customerId.toLowerCase();
  const repository = `${path}/trained_model`;
  return { path, repository, reference: `${registryHostPort}/${repository}:${runId}`, tag: runId };
}
