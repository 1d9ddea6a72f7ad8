// Image layers written by the builder itself: deterministic tar.gz files (sorted, fixed times and owners), so the
// same files always make the same layer, whoever builds them and wherever.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { Placement } from './role-images.js';

/** A layer on disk: its blob digest (gzip), its diff id (tar) and size. */
export interface WrittenLayer {
  readonly file: string;
  readonly digest: string;
  readonly diffId: string;
  readonly size: number;
  /** What it holds, for the image history. */
  readonly comment: string;
}

/** The owner of what a layer holds: root, or the image's user. */
export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

// Every entry gets this time: layers of the same files are the same bytes, and then the same digest.
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');
const ROOT: Owner = { uid: 0, gid: 0 };

interface Entry {
  readonly name: string;
  readonly type: 'file' | 'directory' | 'symlink';
  readonly mode: number;
  readonly owner: Owner;
  readonly source?: string;
  readonly size?: number;
  readonly linkname?: string;
}

/**
 * Writes one layer holding each placement's files (context folder → image path), with every parent folder; the
 * repo's files belong to `user`, the rest to root.
 */
export async function writeLayer(
  contextDir: string,
  placements: readonly Placement[],
  user: Owner,
  file: string,
  comment: string,
): Promise<WrittenLayer> {
  const entries = new Map<string, Entry>();
  for (const placement of placements) {
    const owner = placement.owned ? user : ROOT;
    addParents(entries, placement.to.replace(/^\//, ''), ROOT);
    await walk(join(contextDir, placement.from), placement.to.replace(/^\//, ''), owner, entries);
  }
  const ordered = [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const pack = tar.pack();
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  let size = 0;
  const written = pipeline(
    pack,
    tap((chunk) => diff.update(chunk)),
    createGzip({ level: 6 }),
    tap((chunk) => {
      blob.update(chunk);
      size += chunk.length;
    }),
    createWriteStream(file),
  );
  for (const entry of ordered) await addEntry(pack, entry);
  pack.finalize();
  await written;
  return { file, digest: `sha256:${blob.digest('hex')}`, diffId: `sha256:${diff.digest('hex')}`, size, comment };
}

async function walk(source: string, name: string, owner: Owner, entries: Map<string, Entry>): Promise<void> {
  const stat = await lstat(source);
  if (stat.isSymbolicLink()) {
    entries.set(name, { name, type: 'symlink', mode: 0o777, owner, linkname: await readlink(source) });
  } else if (stat.isDirectory()) {
    entries.set(`${name}/`, { name: `${name}/`, type: 'directory', mode: 0o755, owner });
    for (const child of await readdir(source)) await walk(join(source, child), posix.join(name, child), owner, entries);
  } else if (stat.isFile()) {
    // Only whether it is executable carries over: the modes of a checkout depend on the machine's umask.
    const mode = stat.mode & 0o111 ? 0o755 : 0o644;
    entries.set(name, { name, type: 'file', mode, owner, source, size: stat.size });
  }
}

/** `opt/`, `opt/flops/`… for `opt/flops/lib`, so the layer says who owns every folder it creates. */
function addParents(entries: Map<string, Entry>, path: string, owner: Owner): void {
  const parts = path.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i += 1) {
    const name = `${parts.slice(0, i).join('/')}/`;
    if (!entries.has(name)) entries.set(name, { name, type: 'directory', mode: 0o755, owner });
  }
}

async function addEntry(pack: tar.Pack, entry: Entry): Promise<void> {
  const header = {
    name: entry.name,
    type: entry.type,
    mode: entry.mode,
    uid: entry.owner.uid,
    gid: entry.owner.gid,
    mtime: FIXED_MTIME,
    ...(entry.linkname === undefined ? {} : { linkname: entry.linkname }),
    ...(entry.size === undefined ? {} : { size: entry.size }),
  };
  if (entry.type !== 'file' || entry.source === undefined) {
    await new Promise<void>((resolve, reject) => pack.entry(header, (error) => (error ? reject(error) : resolve())));
    return;
  }
  const done = new Promise<void>((resolve, reject) => {
    const sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
    createReadStream(entry.source as string)
      .on('error', reject)
      .pipe(sink);
  });
  await done;
}

/** A pass-through stream that shows every chunk to `see`. */
function tap(see: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      see(chunk);
      callback(null, chunk);
    },
  });
}
