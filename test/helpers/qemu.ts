// qemu-user-static's emulators for tests that run arm64 programs, unpacked from Debian's package and
// never installed: installing it may register binfmt handlers with the kernel, which the builder must
// never rely on. The builder finds them through FLOPS_QEMU_DIR. scripts/install-deps.sh unpacks the same.

import { access, constants, mkdir, mkdtemp, readdir, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { removeTempDir } from './temp-dir.js';

const CACHE_DIR = process.env.FLOPS_TEST_CACHE ?? join(homedir(), '.cache', 'flops-image-builder');
const UNPACKED = join(CACHE_DIR, 'qemu');
// The folder holding qemu-aarch64-static and its siblings; pass it as FLOPS_QEMU_DIR.
export const QEMU_DIR = join(UNPACKED, 'usr', 'bin');
// The emulator for linux/arm64 programs on this amd64 machine.
export const QEMU_AARCH64 = join(QEMU_DIR, 'qemu-aarch64-static');

const APT_TIMEOUT_MS = 5 * 60_000;

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

// `apt-get download` as root: apt's sandbox user could not write into the private download folder.
function download(dir: string) {
  return execa('apt-get', ['download', '-qq', '-o', 'APT::Sandbox::User=root', 'qemu-user-static'], {
    cwd: dir,
    timeout: APT_TIMEOUT_MS,
  });
}

// Unpacks qemu-user-static into the cache unless it is there, and returns QEMU_DIR.
export async function ensureQemu(): Promise<string> {
  if (await executable(QEMU_AARCH64)) return QEMU_DIR;
  await mkdir(CACHE_DIR, { recursive: true });
  // Beside its final place, so the rename below is atomic and a parallel caller sees all or nothing.
  const work = await mkdtemp(join(CACHE_DIR, 'qemu-download.'));
  try {
    // A fresh machine may have no package lists yet.
    await download(work).catch(async () => {
      await execa('apt-get', ['update', '-qq'], { timeout: APT_TIMEOUT_MS });
      await download(work);
    });
    const deb = (await readdir(work)).find((name) => name.endsWith('.deb'));
    if (deb === undefined) throw new Error(`apt-get download qemu-user-static left no .deb in ${work}`);
    await execa('dpkg', ['-x', join(work, deb), join(work, 'root')], { timeout: APT_TIMEOUT_MS });
    await rename(join(work, 'root'), UNPACKED).catch(async (error: unknown) => {
      // Another caller unpacked it first.
      if (!(await executable(QEMU_AARCH64))) throw error;
    });
  } finally {
    await removeTempDir(work);
  }
  return QEMU_DIR;
}
