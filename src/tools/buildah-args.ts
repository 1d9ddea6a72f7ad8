// Pure builders of buildah argument arrays; tested with tables of exact arrays.

/** A build secret: `RUN --mount=type=secret,id=<id>` reads the file `src`. */
export interface BuildSecret {
  readonly id: string;
  readonly src: string;
}

/** Registry access shared by builds (base image pulls) and pushes. */
export interface RegistryAccess {
  /** An auth.json readable by this job alone, when the registry needs credentials. */
  readonly authFile?: string;
  /** A folder of extra CA certificates (`*.crt`) for TLS registries. */
  readonly certDir?: string;
}

/** One image build from a Containerfile. */
export interface BuildOptions extends RegistryAccess {
  readonly containerfile: string;
  readonly contextDir: string;
  readonly tag: string;
  readonly iidFile: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly secrets: readonly BuildSecret[];
  /** The stage to build (`--target`), when not the last. */
  readonly target?: string;
}

/** One push of a local image to a registry. */
export interface PushOptions extends RegistryAccess {
  readonly localRef: string;
  readonly destination: string;
  readonly digestFile: string;
  readonly tlsVerify: boolean;
}

/** `buildah bud …`: chroot isolation (works in a privileged container without a daemon), cached layers. */
export function buildahBudArgs(options: BuildOptions): string[] {
  return [
    'bud',
    '--isolation',
    'chroot',
    '--layers',
    // A failed build removes its working containers too (the default keeps them, filling the node's disk).
    '--force-rm',
    '--file',
    options.containerfile,
    ...(options.target === undefined ? [] : ['--target', options.target]),
    '--tag',
    options.tag,
    '--iidfile',
    options.iidFile,
    ...Object.entries(options.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    ...options.secrets.flatMap((secret) => ['--secret', `id=${secret.id},src=${secret.src}`]),
    ...registryAccessArgs(options),
    '--',
    options.contextDir,
  ];
}

/** `buildah push …`: the digest is read from the file buildah writes, not from its output. */
export function buildahPushArgs(options: PushOptions): string[] {
  return [
    'push',
    '--digestfile',
    options.digestFile,
    // The push phase retries with backoff itself; buildah 1.28 ignores --retry and always tries 3 times,
    // so only its delay can be made short.
    '--retry-delay',
    '250ms',
    `--tls-verify=${String(options.tlsVerify)}`,
    ...registryAccessArgs(options),
    '--',
    options.localRef,
    `docker://${options.destination}`,
  ];
}

/** A host folder or file bound into a working container for one `buildah run` (read-only unless said otherwise). */
export interface RunMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** One command in a working container: chroot isolation, as builds run; the host's network. */
export interface RunOptions {
  readonly container: string;
  readonly binds: readonly RunMount[];
  /** buildah's cache mounts (id → target), kept between the job's builds as `RUN --mount=type=cache` keeps them. */
  readonly caches: Readonly<Record<string, string>>;
  readonly command: readonly [string, ...string[]];
}

/** `buildah run …` with bind and cache mounts; a path with a comma cannot be said in `--mount`, and is refused. */
export function buildahRunArgs(options: RunOptions): string[] {
  const plain = (path: string): string => {
    if (path.includes(',')) throw new Error(`internal: buildah run cannot mount a path with a comma: ${path}`);
    return path;
  };
  return [
    'run',
    '--isolation',
    'chroot',
    ...options.binds.flatMap((bind) => [
      '--mount',
      `type=bind,source=${plain(bind.source)},target=${plain(bind.target)},${bind.readOnly ? 'ro' : 'rw'}`,
    ]),
    ...Object.entries(options.caches).flatMap(([id, target]) => [
      '--mount',
      `type=cache,id=${plain(id)},target=${plain(target)}`,
    ]),
    '--',
    options.container,
    ...options.command,
  ];
}

/** `buildah config --created-by`: what the image's history says made the container's layer. */
export function buildahCreatedByArgs(container: string, createdBy: string): string[] {
  return ['config', '--created-by', createdBy, '--', container];
}

/** One commit of a working container straight to a registry: its layer compressed and uploaded, never stored. */
export interface CommitOptions extends RegistryAccess {
  readonly container: string;
  readonly destination: string;
  readonly tlsVerify: boolean;
}

/** `buildah commit … docker://destination` as OCI, as `buildah push` writes the install stages. */
export function buildahCommitArgs(options: CommitOptions): string[] {
  return [
    'commit',
    '--quiet',
    '--format',
    'oci',
    `--tls-verify=${String(options.tlsVerify)}`,
    ...registryAccessArgs(options),
    '--',
    options.container,
    `docker://${options.destination}`,
  ];
}

/** One pull of an image from a registry. */
export interface PullOptions extends RegistryAccess {
  readonly reference: string;
  /** Undefined: as registries.conf says, as for a build's base image. */
  readonly tlsVerify: boolean | undefined;
}

/** `buildah pull`: the image into local storage, its ID on stdout. */
export function buildahPullArgs(options: PullOptions): string[] {
  return [
    'pull',
    '--quiet',
    ...(options.tlsVerify === undefined ? [] : [`--tls-verify=${String(options.tlsVerify)}`]),
    ...registryAccessArgs(options),
    '--',
    `docker://${options.reference}`,
  ];
}

/** `buildah rmi` of the given images (local clean-up only). */
export function buildahRmiArgs(imageRefs: readonly string[]): string[] {
  return ['rmi', '--', ...imageRefs];
}

function registryAccessArgs(access: RegistryAccess): string[] {
  return [
    ...(access.authFile ? ['--authfile', access.authFile] : []),
    ...(access.certDir ? ['--cert-dir', access.certDir] : []),
  ];
}

/** `buildah containers` as JSON (`null` when there are none). */
export function buildahContainersArgs(): string[] {
  return ['containers', '--json'];
}

/** `buildah images` as JSON, intermediate (untagged) images and full IDs included. */
export function buildahImagesArgs(): string[] {
  return ['images', '--all', '--json', '--no-trunc'];
}

/** `buildah rm` of working containers; it unmounts them first. */
export function buildahRmArgs(containers: readonly string[]): string[] {
  return ['rm', '--', ...containers];
}

/** `buildah from` of a local image (never pulled): a working container of it, its name on stdout. */
export function buildahFromArgs(image: string): string[] {
  return ['from', '--pull=never', '--quiet', '--', image];
}

/** `buildah mount`: the working container's root file system, its path on stdout. */
export function buildahMountArgs(container: string): string[] {
  return ['mount', '--', container];
}

/**
 * `buildah unshare`: `command` in buildah's user namespace, where a rootless buildah mounts; each container of
 * `mounts` is mounted and its path set in the environment variable that names it.
 */
export function buildahUnshareArgs(
  command: readonly string[],
  mounts: Readonly<Record<string, string>> = {},
): string[] {
  return [
    'unshare',
    ...Object.entries(mounts).flatMap(([variable, container]) => ['--mount', `${variable}=${container}`]),
    '--',
    ...command,
  ];
}

/** `buildah info`: the storage driver buildah uses (`overlay`, `vfs`). */
export function buildahStorageDriverArgs(): string[] {
  return ['info', '--format', '{{.store.GraphDriverName}}'];
}
