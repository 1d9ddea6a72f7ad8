// The one table of the platforms images are built for, and each one's name in every tool that needs it.

/** One platform, as each tool spells it. */
export interface PlatformInfo {
  /** OCI: `linux/amd64`. */
  readonly platform: string;
  /** OCI architecture: `amd64`. */
  readonly architecture: string;
  /** Node's `process.arch`. */
  readonly nodeArch: string;
  /** PEP 508 `platform_machine`, and the machine in manylinux wheel tags: `x86_64`. */
  readonly machine: string;
  /** ELF `e_machine` of its extension modules (EM_X86_64, EM_AARCH64). */
  readonly elfMachine: number;
  /** The user-mode emulator's suffix: `qemu-aarch64-static`. */
  readonly qemu: string;
}

/** The platforms a job builds for, read once from the configuration: one at least, each a row of the table. */
export type Platforms = readonly [PlatformInfo, ...PlatformInfo[]];

/** The platforms the builder makes images for; FLOps edge nodes are one of these. */
export const PLATFORMS: readonly PlatformInfo[] = [
  {
    platform: 'linux/amd64',
    architecture: 'amd64',
    nodeArch: 'x64',
    machine: 'x86_64',
    elfMachine: 62,
    qemu: 'x86_64',
  },
  {
    platform: 'linux/arm64',
    architecture: 'arm64',
    nodeArch: 'arm64',
    machine: 'aarch64',
    elfMachine: 183,
    qemu: 'aarch64',
  },
];

/** Why a platform that is not in the table is refused. */
const REFUSED: Readonly<Record<string, string>> = {
  'linux/arm/v7':
    'PyPI has no armv7 wheels for numpy and most of the ML stack, and Flower publishes no images for it; run those nodes on a 64-bit OS (linux/arm64)',
  'linux/arm/v6': 'PyPI has no armv6 wheels for numpy and most of the ML stack; use linux/arm64',
  'linux/386': 'PyPI has no 32-bit x86 wheels for most of the ML stack; use linux/amd64',
};

/** The table row of an OCI platform, or undefined. */
export function platformInfo(platform: string): PlatformInfo | undefined {
  return PLATFORMS.find((info) => info.platform === platform);
}

/** The row of an OCI architecture (`amd64`), or undefined. */
export function architectureInfo(architecture: string): PlatformInfo | undefined {
  return PLATFORMS.find((info) => info.architecture === architecture);
}

/** The platform of the machine the builder runs on. */
export function hostPlatform(): PlatformInfo {
  const info = PLATFORMS.find((row) => row.nodeArch === process.arch);
  if (info === undefined) throw new Error(`the builder runs on ${process.arch}, which it cannot build images on`);
  return info;
}

/** Why a platform cannot be built for, in plain English; undefined when it can. */
export function platformProblem(platform: string): string | undefined {
  if (platformInfo(platform) !== undefined) return undefined;
  const why =
    REFUSED[platform] ?? `the builder makes images for ${PLATFORMS.map((info) => info.platform).join(' and ')} only`;
  return `${platform} is not supported: ${why}`;
}

/** The rows of the given OCI platforms, or why they cannot be built (naming each one that cannot). */
export function platformRows(names: readonly string[]): Platforms | string {
  const problem = platformsProblem(names);
  if (problem !== undefined) return problem;
  const rows = names.flatMap((name) => platformInfo(name) ?? []);
  const [first, ...rest] = rows;
  if (first === undefined) return 'no platform was named';
  return [first, ...rest];
}

/** The OCI names of platforms (`linux/amd64`), as labels and payloads carry them. */
export function platformNames(platforms: readonly PlatformInfo[]): string[] {
  return platforms.map((info) => info.platform);
}

/** Why a list of platforms cannot be built, naming each one that cannot; undefined when all can. */
export function platformsProblem(platforms: readonly string[]): string | undefined {
  const problems = platforms.flatMap((platform) => platformProblem(platform) ?? []);
  if (problems.length === 0) return undefined;
  return `${problems.join('; ')}. Ask for ${PLATFORMS.map((info) => info.platform).join(' and/or ')} with --supported_platforms`;
}
