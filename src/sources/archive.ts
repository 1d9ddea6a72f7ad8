// Unpacks an untrusted .tar.gz with node-tar's parser, writing each entry ourselves after checking it: node-tar's
// own extractor repairs what it finds (strips "/" and "..", follows the archive's links), where we must refuse.

import {
  closeSync,
  constants,
  createReadStream,
  linkSync,
  mkdirSync,
  openSync,
  realpathSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { SourceError } from './source-error.js';

/** How much an archive may hold once unpacked. */
export interface ArchiveLimits {
  readonly maxBytes: number;
  readonly maxEntries: number;
}

/** What was unpacked: the folder the project is in, and the newest entry's time. */
export interface Unpacked {
  /** `dest`, or its one top-level folder when every entry sits under it. */
  readonly root: string;
  readonly entries: number;
  readonly bytes: number;
  /** The newest mtime of any entry: the archive's stand-in for a commit date; undefined when none is set. */
  readonly newest: Date | undefined;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
// Tar headers and padding around the files' bytes: a 512-byte header or two per entry, and the end blocks.
const OVERHEAD_PER_ENTRY = 1536;
const OVERHEAD = 1024 * 1024;
const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

/** Whether a file starts as gzip does (1f 8b). */
export async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Unpacks `file` into `dest` (made empty beforehand), refusing the first entry that breaks a rule. */
export async function unpackArchive(
  file: string,
  dest: string,
  limits: ArchiveLimits,
  signal: AbortSignal,
): Promise<Unpacked> {
  if (!(await isGzip(file))) {
    throw new SourceError('ARCHIVE_NOT_GZIP', 'the archive is not gzip-compressed; give a .tar.gz made by tar -czf');
  }
  mkdirSync(dest, { recursive: true });
  const writer = new EntryWriter(dest, limits);
  const parser = new Parser({ strict: true });
  let failure: unknown;
  parser.on('entry', (entry: ReadEntry) => {
    if (failure !== undefined) {
      entry.resume();
      return;
    }
    try {
      writer.write(entry);
    } catch (error) {
      failure = error;
      entry.resume();
    }
  });
  parser.on('error', (error: unknown) => {
    failure ??= new SourceError('ARCHIVE_UNREADABLE', `the archive cannot be read as tar: ${describe(error)}`, {
      cause: error,
    });
  });
  // Stops the gzip stream itself once it has given more than the files may hold: a bomb is never written out.
  const streamLimit = limits.maxBytes + limits.maxEntries * OVERHEAD_PER_ENTRY + OVERHEAD;
  let inflated = 0;
  const source = createReadStream(file).pipe(createGunzip());
  try {
    for await (const chunk of source) {
      if (signal.aborted) throw signal.reason;
      inflated += (chunk as Buffer).length;
      if (inflated > streamLimit) failure ??= writer.tooLarge();
      if (failure !== undefined) break;
      if (!parser.write(chunk as Buffer)) await new Promise((done) => parser.once('drain', done));
      if (failure !== undefined) break;
    }
  } catch (error) {
    if (signal.aborted) throw error;
    failure ??= new SourceError('ARCHIVE_UNREADABLE', `the archive's gzip stream is damaged: ${describe(error)}`, {
      cause: error,
    });
  } finally {
    source.destroy();
  }
  if (failure === undefined) {
    await new Promise<void>((done) => {
      parser.once('end', done);
      parser.end();
    });
  }
  writer.close();
  if (failure !== undefined) throw failure;
  writer.checkLinks();
  return { root: await topFolder(dest), entries: writer.entries, bytes: writer.bytes, newest: writer.newest };
}

/** The one folder every entry sits under, as code hosts' downloads have it; else `dest` itself. */
async function topFolder(dest: string): Promise<string> {
  const top = await readdir(dest, { withFileTypes: true });
  const [only] = top;
  return top.length === 1 && only?.isDirectory() ? join(dest, only.name) : dest;
}

/** Writes one entry at a time below `dest`, remembering what each path is, so later entries can be judged. */
class EntryWriter {
  entries = 0;
  bytes = 0;
  newest: Date | undefined;
  /** Every path an entry (or a parent of one) made, relative to dest, with what it is. */
  private readonly made = new Map<string, 'dir' | 'file' | 'link' | 'implied'>();
  private readonly links: string[] = [];
  private open: number | undefined;

  constructor(
    private readonly dest: string,
    private readonly limits: ArchiveLimits,
  ) {}

  write(entry: ReadEntry): void {
    const path = this.checkPath(entry.path);
    if (path === '') {
      entry.resume(); // "./": the archive's root, which dest already is
      return;
    }
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new SourceError(
        'ARCHIVE_TOO_MANY_ENTRIES',
        `the archive has more than ${this.limits.maxEntries} entries; remove what the images do not need, or raise --max-repo-files`,
      );
    }
    const seen = this.made.get(path);
    if (seen !== undefined && !(seen === 'implied' && entry.type === 'Directory')) {
      throw new SourceError('ARCHIVE_DUPLICATE_ENTRY', `the archive holds "${path}" more than once`);
    }
    this.checkParents(path);
    if (entry.mtime && (this.newest === undefined || entry.mtime > this.newest)) this.newest = entry.mtime;
    const target = join(this.dest, path);
    if (entry.type === 'Directory') {
      mkdirSync(target, { recursive: true, mode: 0o755 });
      this.made.set(path, 'dir');
      entry.resume();
      return;
    }
    if (entry.type === 'SymbolicLink') {
      this.symlink(entry, path, target);
      return;
    }
    if (entry.type === 'Link') {
      this.hardLink(entry, path, target);
      return;
    }
    if (!FILE_TYPES.has(entry.type)) {
      throw new SourceError(
        'ARCHIVE_SPECIAL_FILE',
        `the archive's entry "${path}" is a ${entry.type}; only files, folders and links are accepted`,
      );
    }
    this.addBytes(entry.size);
    // O_EXCL with O_NOFOLLOW: never through a link, never over anything there already.
    const fd = openSync(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, ((entry.mode ?? 0o644) & 0o755) | 0o600);
    this.open = fd;
    this.made.set(path, 'file');
    entry.on('data', (chunk: Buffer) => {
      writeSync(fd, chunk);
    });
    entry.on('end', () => {
      closeSync(fd);
      this.open = undefined;
    });
  }

  /** Closes a file left open by a refused archive. */
  close(): void {
    if (this.open !== undefined) closeSync(this.open);
    this.open = undefined;
  }

  tooLarge(): SourceError {
    return new SourceError(
      'ARCHIVE_TOO_LARGE',
      `the archive unpacks to more than ${Math.round(this.limits.maxBytes / 1024 / 1024)} MB; remove what the images do not need, or raise --max-repo-mb`,
    );
  }

  /** After unpacking: every symbolic link that resolves does so inside dest (links of links included). */
  checkLinks(): void {
    const root = realpathSync.native(this.dest);
    for (const path of this.links) {
      let resolved: string;
      try {
        resolved = realpathSync.native(join(this.dest, path));
      } catch {
        continue; // dangling: its text was checked when written
      }
      if (resolved !== root && !resolved.startsWith(`${root}${sep}`)) throw this.escapes(path);
    }
  }

  private addBytes(size: number): void {
    this.bytes += size;
    if (this.bytes > this.limits.maxBytes) throw this.tooLarge();
  }

  /** The entry's path, normalised (no "./", no "//"), refused when absolute or climbing out. */
  private checkPath(raw: string): string {
    if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) {
      throw new SourceError('ARCHIVE_ABSOLUTE_PATH', `the archive's entry "${raw}" has an absolute path`);
    }
    const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
    if (parts.includes('..')) {
      throw new SourceError('ARCHIVE_PARENT_PATH', `the archive's entry "${raw}" climbs out with ".."`);
    }
    return parts.join('/');
  }

  /** Makes the entry's missing parents; refuses one that is a link or a file an earlier entry made. */
  private checkParents(path: string): void {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i += 1) {
      const parent = parts.slice(0, i).join('/');
      const kind = this.made.get(parent);
      if (kind === 'link' || kind === 'file') {
        throw new SourceError(
          'ARCHIVE_THROUGH_LINK',
          `the archive's entry "${path}" would be written through "${parent}", a ${kind === 'link' ? 'link' : 'file'} an earlier entry made`,
        );
      }
      if (kind === undefined) {
        mkdirSync(join(this.dest, parent), { mode: 0o755 });
        this.made.set(parent, 'implied');
      }
    }
  }

  private symlink(entry: ReadEntry, path: string, target: string): void {
    const text = entry.linkpath ?? '';
    const inside = posix.normalize(posix.join(posix.dirname(path), text));
    if (text.startsWith('/') || inside === '..' || inside.startsWith('../')) throw this.escapes(path, text);
    symlinkSync(text, target);
    this.made.set(path, 'link');
    this.links.push(path);
    entry.resume();
  }

  private hardLink(entry: ReadEntry, path: string, target: string): void {
    const text = entry.linkpath ?? '';
    const other = text.split('/').filter((part) => part !== '' && part !== '.');
    if (text.startsWith('/') || other.includes('..')) throw this.escapes(path, text);
    // Only to a file this archive wrote: never to a link, a folder, or anything outside.
    if (this.made.get(other.join('/')) !== 'file') {
      throw new SourceError(
        'ARCHIVE_LINK_ESCAPES',
        `the archive's hard link "${path}" names "${text}", which is not a file the archive made before it`,
      );
    }
    linkSync(join(this.dest, other.join('/')), target);
    this.made.set(path, 'file');
    entry.resume();
  }

  private escapes(path: string, text?: string): SourceError {
    const where = text === undefined ? '' : ` ("${text}")`;
    return new SourceError(
      'ARCHIVE_LINK_ESCAPES',
      `the archive's link "${path}"${where} points outside the archive; links must stay inside it`,
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
