// Non-root users for the rootless tests, made by the test set-up (the tests run as root) and removed afterwards.

import { execa } from 'execa';
import type { BuildUser } from './run-builder.js';

/** A new user with a home, and with a subordinate id range (65536 ids at `rangeStart`) unless `rangeStart` is omitted. */
export async function createBuildUser(name: string, rangeStart?: number): Promise<BuildUser> {
  await removeBuildUser(name);
  await execa('useradd', ['--create-home', '--shell', '/bin/sh', '--user-group', name]);
  // useradd gives a new user a range of its own (SUB_UID_COUNT in /etc/login.defs): replaced by ours, or none.
  await dropRanges(name);
  if (rangeStart !== undefined) {
    const range = `${rangeStart}-${rangeStart + 65535}`;
    await execa('usermod', ['--add-subuids', range, '--add-subgids', range, name]);
  }
  // name:password:uid:gid:gecos:home:shell
  const fields = (await execa('getent', ['passwd', name])).stdout.split(':');
  return { name, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] ?? '' };
}

/** Removes the user, its home (its buildah storage too) and its subordinate ranges; nothing when it does not exist. */
export async function removeBuildUser(name: string): Promise<void> {
  const exists = (await execa('getent', ['passwd', name], { reject: false })).exitCode === 0;
  if (!exists) return;
  // Its buildah storage holds files of its subordinate ids, and overlay mounts it may have left behind.
  await execa('pkill', ['-KILL', '-u', name], { reject: false });
  await execa('userdel', ['--remove', name], { reject: false });
  await dropRanges(name);
}

async function dropRanges(name: string): Promise<void> {
  for (const file of ['/etc/subuid', '/etc/subgid']) {
    await execa('sed', ['-i', `/^${name}:/d`, file], { reject: false });
  }
}
