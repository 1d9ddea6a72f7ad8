// Image references as container tools read them: `python:3.11-slim` → docker.io/library/python, tag 3.11-slim.

/** A parsed image reference. */
export interface ImageRef {
  /** The registry as written (`docker.io`, `127.0.0.1:5073`). */
  readonly registry: string;
  /** The host the v2 API answers on (`registry-1.docker.io` for docker.io). */
  readonly apiHost: string;
  readonly repository: string;
  /** A tag or a digest (`sha256:…`). */
  readonly reference: string;
}

const DOCKER_HUB = 'docker.io';

/** Parses `[registry/]repository[:tag][@digest]`; undefined when it is not an image reference. */
export function parseImageRef(text: string): ImageRef | undefined {
  const match =
    /^(?:(?<registry>[^/]+)\/)?(?<path>[a-z0-9]+(?:[._/-][a-z0-9]+|__)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/.exec(
      text,
    );
  if (!match?.groups) return undefined;
  let registry: string | undefined = match.groups.registry;
  let repository = match.groups.path ?? '';
  // "library/python" and "alice/mnist": the first part is a registry only when it looks like a host.
  if (registry !== undefined && !/[.:]/.test(registry) && registry !== 'localhost') {
    repository = `${registry}/${repository}`;
    registry = undefined;
  }
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository))
    return undefined;
  registry ??= DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  return {
    registry,
    apiHost: registry === DOCKER_HUB ? 'registry-1.docker.io' : registry,
    repository,
    reference: match.groups.digest ?? match.groups.tag ?? 'latest',
  };
}

/** `registry/repository@digest`: the reference of one exact image. */
export function pinnedRef(ref: ImageRef, digest: string): string {
  return `${ref.registry}/${ref.repository}@${digest}`;
}
