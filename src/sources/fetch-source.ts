// The sources that are not git: a folder (dir://) copied, an archive (https://…tar.gz, s3://…tar.gz) downloaded and
// unpacked; each named by a tag of what it holds, so that the same files make the same images.

import { join } from 'node:path';
import type { S3Settings } from '../config/s3.js';
import type { RepoUrl } from '../tables/repo-url.js';
import { type ArchiveLimits, unpackArchive } from './archive.js';
import { copyFolder } from './folder.js';
import { downloadHttpArchive } from './http-archive.js';
import { downloadS3Archive } from './s3-archive.js';
import type { SavedArchive } from './save-stream.js';

/** A non-git source as the later phases see it: where its files are, and the tag its images get. */
export interface FetchedSource {
  readonly repoDir: string;
  /** 40 hex digits: of the archive's sha256, or of the folder's file list (see folder.ts). */
  readonly tag: string;
  /** An archive's newest entry time, standing in for a commit date; a folder has none. */
  readonly date: Date | undefined;
}

/** What fetching needs from the job. */
export interface SourceOptions {
  readonly repo: Exclude<RepoUrl, { kind: 'git' }>;
  readonly workdir: string;
  readonly limits: ArchiveLimits;
  readonly s3: S3Settings;
  readonly extraCa: string | undefined;
  readonly signal: AbortSignal;
}

// A gzipped tar of files that do not compress is a little larger than the files themselves.
const COMPRESSED_SLACK = 1.05;
const COMPRESSED_EXTRA = 4 * 1024 * 1024;

/** Downloads an archive and gives its tag; unpacking waits until the images are known to be missing. */
export async function downloadArchive(options: SourceOptions & { readonly repo: { kind: 'archive' } }): Promise<{
  readonly file: string;
  readonly saved: SavedArchive;
}> {
  const { repo } = options;
  const file = join(options.workdir, 'source.tar.gz');
  const maxBytes = Math.ceil(options.limits.maxBytes * COMPRESSED_SLACK) + COMPRESSED_EXTRA;
  const common = { file, maxBytes, extraCa: options.extraCa, signal: options.signal };
  const saved =
    repo.transport === 's3'
      ? await downloadS3Archive({ ...common, settings: options.s3, bucket: repo.bucket, key: repo.key })
      : await downloadHttpArchive({ ...common, url: repo.url, display: repo.display });
  return { file, saved };
}

/** Unpacks a downloaded archive into the work folder (checked entry by entry). */
export async function unpackSource(options: SourceOptions, file: string, tag: string): Promise<FetchedSource> {
  const unpacked = await unpackArchive(file, join(options.workdir, 'repo'), options.limits, options.signal);
  return { repoDir: unpacked.root, tag, date: unpacked.newest };
}

/** Copies a folder into the work folder. */
export async function copySource(
  options: SourceOptions & { readonly repo: { kind: 'folder' } },
): Promise<FetchedSource> {
  const limits = { maxBytes: options.limits.maxBytes, maxFiles: options.limits.maxEntries };
  const repoDir = join(options.workdir, 'repo');
  const copied = await copyFolder(options.repo.path, repoDir, limits, options.signal);
  return { repoDir, tag: copied.tag, date: undefined };
}

/** The images' tag of an archive: the first 40 hex digits of its sha256. */
export const archiveTag = (saved: SavedArchive): string => saved.sha256.slice(0, 40);
