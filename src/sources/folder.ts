// A folder the builder can see (dir://): copied into the work folder, .git left out, and named by what it holds.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readlink, stat, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { repoFiles } from '../context/repo-files.js';
import { SourceError } from './source-error.js';

/** One file of the folder as its tag counts it. */
export interface FolderFile {
  /** Relative to the folder, "/"-separated. */
  readonly path: string;
  /** The full st_mode (type and permission bits), e.g. 0o100644. */
  readonly mode: number;
  /** sha256 of the contents; of the link's text for a symbolic link. */
  readonly sha256: string;
}

/** What the copy holds, and the tag it makes. */
export interface CopiedFolder {
  readonly files: number;
  readonly bytes: number;
  readonly tag: string;
}

/**
 * The folder's tag: the first 40 hex digits of the sha256 of one line `<mode in octal> <sha256> <path>\n` per file,
 * sorted by path (byte order), so the same files make the same tag wherever and whenever they are copied.
 */
export function folderTag(files: readonly FolderFile[]): string {
  const lines = [...files]
    .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
    .map((file) => `${file.mode.toString(8)} ${file.sha256} ${file.path}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex').slice(0, 40);
}

/** Copies `source` to `dest` (files and links, never followed; no .git), stopping as soon as a limit is passed. */
export async function copyFolder(
  source: string,
  dest: string,
  limits: { readonly maxBytes: number; readonly maxFiles: number },
  signal: AbortSignal,
): Promise<CopiedFolder> {
  const found = await stat(source).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new SourceError('FOLDER_NOT_FOUND', `the folder ${source} does not exist or is not a folder here`);
  }
  await mkdir(dest, { recursive: true });
  const files: FolderFile[] = [];
  let bytes = 0;
  for await (const { source: from, path, entry } of repoFiles(source)) {
    signal.throwIfAborted();
    const to = join(dest, path);
    await mkdir(dirname(to), { recursive: true });
    const info = await lstat(from);
    const relativePath = path.split('\\').join('/');
    if (entry.isSymbolicLink()) {
      const text = await readlink(from);
      await symlink(text, to);
      files.push({ path: relativePath, mode: info.mode, sha256: sha256(Buffer.from(text)) });
    } else if (entry.isFile()) {
      bytes += info.size;
      if (bytes > limits.maxBytes)
        throw tooLarge(`more than ${Math.round(limits.maxBytes / 1024 / 1024)} MB`, '--max-repo-mb');
      files.push({ path: relativePath, mode: info.mode, sha256: await copyHashing(from, to, info.mode & 0o755) });
    } else {
      throw new SourceError(
        'FOLDER_SPECIAL_FILE',
        `${path} in the folder is neither a file, a folder nor a link (a device, socket or pipe); remove it`,
      );
    }
    if (files.length > limits.maxFiles) throw tooLarge(`more than ${limits.maxFiles} files`, '--max-repo-files');
  }
  return { files: files.length, bytes, tag: folderTag(files) };
}

function tooLarge(what: string, option: string): SourceError {
  return new SourceError(
    'REPO_TOO_LARGE',
    `the folder holds ${what} (without .git); remove what the images do not need, or raise ${option}`,
  );
}

/** Copies one file, giving the sha256 of what was copied (read once). */
async function copyHashing(from: string, to: string, mode: number): Promise<string> {
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(createReadStream(from), tap, createWriteStream(to, { mode: mode | 0o600, flags: 'wx' }));
  return hash.digest('hex');
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
