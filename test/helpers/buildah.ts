// buildah as the tests use it: inspect built images, look inside them, run their entrypoint on the host network.

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { execa, type ResultPromise } from 'execa';

/** buildah's environment in tests: a run with a storage of its own (CONTAINERS_STORAGE_CONF) looks into it too. */
export const BUILDAH_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/root',
  ...(process.env.CONTAINERS_STORAGE_CONF ? { CONTAINERS_STORAGE_CONF: process.env.CONTAINERS_STORAGE_CONF } : {}),
};

/** Runs buildah and returns its stdout; throws on failure. */
export async function buildah(args: readonly string[], timeoutMs = 300_000, env = BUILDAH_ENV): Promise<string> {
  const { stdout } = await execa('buildah', [...args], { env, extendEnv: false, timeout: timeoutMs });
  return String(stdout).trim();
}

/** The OCI config of a local image (Entrypoint, Cmd, User, WorkingDir, Env, Labels). */
export async function imageConfig(ref: string): Promise<{
  Entrypoint?: string[];
  Cmd?: string[];
  User?: string;
  WorkingDir?: string;
  Env?: string[];
  Labels?: Record<string, string>;
}> {
  // buildah 1.28's --format has no json function, so the whole inspect document is parsed.
  const inspected = JSON.parse(await buildah(['inspect', '--type', 'image', ref])) as {
    OCIv1: { config: Record<string, unknown> };
  };
  return inspected.OCIv1.config;
}

/** A working container from an image pulled from a plain-HTTP registry; `remove()` deletes it. */
export async function containerFrom(ref: string): Promise<{ name: string; remove(): Promise<void> }> {
  // A name of its own: buildah's default (`<host>-working-container`) is shared by every test run on this storage,
  // and another run's clean-up could remove it mid-test.
  const wanted = `flops-test-${randomBytes(6).toString('hex')}`;
  const name = await buildah(['from', '--name', wanted, '--pull=always', '--tls-verify=false', '--quiet', ref]);
  return { name, remove: async () => void (await buildah(['rm', name]).catch(() => '')) };
}

/** Removes every local image whose name starts with `prefix` (a test registry's host:port, or all of them). */
export async function removeImages(prefix: string, storageConf?: string): Promise<void> {
  const env = storageConf ? { ...BUILDAH_ENV, CONTAINERS_STORAGE_CONF: storageConf } : BUILDAH_ENV;
  const run = (args: readonly string[]) => buildah(args, 300_000, env);
  const rows = (await run(['images', '--format', '{{.Name}}:{{.Tag}} {{.ID}}']))
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([name]) => name?.startsWith(prefix));
  const tagged = rows.flatMap(([name = '']) => (name.endsWith(':<none>') ? [] : [name]));
  if (tagged.length > 0) await run(['rmi', '--force', ...tagged]).catch(() => '');
  // An image whose tag moved on lists as `name:<none>`, which is no reference: it goes by ID, without --force, so
  // that an image another name still holds (a local test base) stays.
  for (const [name = '', id = ''] of rows) {
    if (name.endsWith(':<none>') && id !== '') await run(['rmi', id]).catch(() => '');
  }
}

/** Starts the image's entrypoint with `args` in the container, host network (loopback), chroot isolation. */
export function runEntrypoint(
  container: string,
  entrypoint: readonly string[],
  args: readonly string[],
): ResultPromise {
  return execa(
    'buildah',
    ['run', '--isolation', 'chroot', '--network', 'host', container, '--', ...entrypoint, ...args],
    {
      env: BUILDAH_ENV,
      extendEnv: false,
      reject: false,
      timeout: 240_000,
      all: true,
    },
  );
}

/** Runs a command in the container; its exit code and its output (stdout and stderr, buildah's own too). */
export async function runIn(container: string, command: readonly string[]): Promise<{ code: number; output: string }> {
  const result = await execa('buildah', ['run', '--isolation', 'chroot', container, '--', ...command], {
    env: BUILDAH_ENV,
    extendEnv: false,
    reject: false,
    timeout: 120_000,
    all: true,
  });
  return { code: result.exitCode ?? -1, output: String(result.all ?? '') };
}

/** Runs a command in the container and returns its exit code (for "is mlflow importable?"-style checks). */
export async function exitCodeIn(container: string, command: readonly string[]): Promise<number> {
  return (await runIn(container, command)).code;
}

/** Whether any file of the image contains `needle` (grep over the mounted root filesystem). */
export async function imageContains(container: string, needle: string): Promise<boolean> {
  const root = await buildah(['mount', container]);
  try {
    const result = await execa('grep', ['-r', '-l', '-F', '--', needle, root], { reject: false, timeout: 180_000 });
    return result.exitCode === 0;
  } finally {
    await buildah(['umount', container]).catch(() => '');
  }
}

// Linux capability names by bit number (capability.h), for `--cap-add`.
const CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE',
];

/** Every capability this process may hand on (its bounding set): what `docker run --privileged` gives a container. */
async function privilegedCapabilities(): Promise<string[]> {
  const status = await readFile('/proc/self/status', 'utf8');
  const bounding = BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0'}`);
  return CAPABILITIES.filter((_, bit) => (bounding >> BigInt(bit)) & 1n).map((name) => `CAP_${name}`);
}

/**
 * Runs a command in the container as `docker run --privileged --network host` would: every capability,
 * host network, chroot isolation, and `volumes` ("host:container[:ro]") mounted.
 */
export async function runPrivileged(
  container: string,
  command: readonly string[],
  volumes: readonly string[],
  timeoutMs: number,
  options: { readonly user?: string; readonly workingDir?: string } = {},
): Promise<{ exitCode: number | undefined; stdout: string; all: string }> {
  const caps = (await privilegedCapabilities()).flatMap((cap) => ['--cap-add', cap]);
  const mounts = volumes.flatMap((volume) => ['--volume', volume]);
  const user = options.user ? ['--user', options.user] : [];
  const workingDir = options.workingDir ? ['--workingdir', options.workingDir] : [];
  const { exitCode, stdout, all } = await execa(
    'buildah',
    [
      'run',
      '--isolation',
      'chroot',
      '--network',
      'host',
      ...caps,
      ...mounts,
      ...user,
      ...workingDir,
      container,
      '--',
      ...command,
    ],
    {
      env: BUILDAH_ENV,
      extendEnv: false,
      reject: false,
      timeout: timeoutMs,
      all: true,
    },
  );
  return { exitCode, stdout: String(stdout), all: String(all) };
}
