// An image's file tree as the running container sees it: every path with its type, owner, mode and content hash.
// Two builds of the same commit compare equal this way even where their layer digests differ (timestamps).

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { buildah } from './buildah.js';

/** path → "type uid:gid mode content" */
export type FileTree = ReadonlyMap<string, string>;

/** Pulls `ref` from a plain-HTTP registry and reads its tree (as root, through a buildah mount). */
export async function imageTree(ref: string): Promise<FileTree> {
  const container = await buildah(['from', '--pull=always', '--tls-verify=false', '--quiet', ref], 600_000);
  try {
    const root = await buildah(['mount', container]);
    const tree = new Map<string, string>();
    await walk(root, '', tree);
    return tree;
  } finally {
    await buildah(['rm', container]).catch(() => '');
  }
}

async function walk(root: string, relative: string, tree: Map<string, string>): Promise<void> {
  for (const name of (await readdir(join(root, relative))).sort()) {
    const path = `${relative}/${name}`;
    const info = await lstat(join(root, path));
    const owner = `${info.uid}:${info.gid} ${(info.mode & 0o7777).toString(8)}`;
    if (info.isSymbolicLink()) tree.set(path, `link ${owner} ${await readlink(join(root, path))}`);
    else if (info.isDirectory()) {
      tree.set(path, `dir ${owner}`);
      await walk(root, path, tree);
    } else if (info.isFile()) tree.set(path, `file ${owner} ${await sha256(join(root, path))}`);
    else tree.set(path, `special ${owner} ${info.mode.toString(8)}`);
  }
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The paths whose entries differ (missing on one side, or with other attributes), at most `limit` of them. */
export function treeDifferences(left: FileTree, right: FileTree, limit = 20): string[] {
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
  return paths
    .filter((path) => left.get(path) !== right.get(path))
    .slice(0, limit)
    .map((path) => `${path}: ${left.get(path) ?? '(missing)'} | ${right.get(path) ?? '(missing)'}`);
}
