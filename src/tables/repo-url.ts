// The repo URL argument: which schemes are accepted, what kind of source each names, and the owner/repo it names.

import { isValidHost } from './endpoint.js';

/** Where the repo's files come from: a git server, a folder the builder sees, or a .tar.gz over HTTP(S) or in S3. */
export type SourceKind =
  | { readonly kind: 'git' }
  | { readonly kind: 'folder'; readonly path: string }
  | { readonly kind: 'archive'; readonly transport: 'http' }
  | { readonly kind: 'archive'; readonly transport: 's3'; readonly bucket: string; readonly key: string };

/** A repository URL that passed validation. */
export type RepoUrl = SourceKind & {
  /** The URL as given (may carry credentials: never log it, use `display`). */
  readonly url: string;
  /** The URL without user info, safe for logs, labels and messages. */
  readonly display: string;
  /** Second-to-last path segment, as written. */
  readonly owner: string;
  /** Last path segment without `.git` (or `.tar.gz`, `.tgz`), as written. */
  readonly name: string;
};

const NETWORK_SCHEMES = ['https', 'http', 'git', 'ssh'];
// scp-like syntax that git accepts: [user@]host:path (no scheme, no "//").
const SCP_LIKE = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;
/** The archive suffixes a URL may end with to name a gzipped tar rather than a git repo. */
export const ARCHIVE_SUFFIX = /\.(tar\.gz|tgz)$/i;
// A bucket name as S3 accepts it (3 to 63 characters, lower case, digits, "." and "-").
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Removes `user:password@` from a URL so it can be shown. */
export function stripUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}

/** Validates a repo URL, tells which source it names, and derives owner and name; returns a problem as a string. */
export function parseRepoUrl(text: string, allowFileUrls: boolean): RepoUrl | string {
  if (text.startsWith('-')) return 'a repo URL cannot start with "-"';
  if (/\s/.test(text)) return 'a repo URL cannot contain white space';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  let path: string;
  let source: SourceKind = { kind: 'git' };
  if (scheme === undefined) {
    const scp = SCP_LIKE.exec(text);
    if (!scp) return 'expected https://, http://, git://, ssh://, git@host:owner/repo, dir:// or s3://';
    // A host such as "-oProxyCommand=…" would reach ssh as an option.
    if (!isValidHost(scp[1] ?? '')) return 'the host must be a DNS name or an IP address';
    path = scp[2] ?? '';
  } else if (scheme === 'file' || scheme === 'dir') {
    if (!allowFileUrls) return `${scheme}:// URLs are accepted only with --allow-file-url`;
    path = text.slice(`${scheme}://`.length);
    if (scheme === 'dir') {
      if (!path.startsWith('/')) return 'a dir:// URL names an absolute path, as dir:///srv/projects/alice/mnist';
      source = { kind: 'folder', path: path.replace(/\/+$/, '') || '/' };
    }
  } else if (scheme === 's3') {
    const parsed = parseS3(text);
    if (typeof parsed === 'string') return parsed;
    ({ path, source } = parsed);
  } else if (NETWORK_SCHEMES.includes(scheme)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return 'the URL cannot be parsed';
    }
    if (!isValidHost(parsed.hostname)) return 'the host must be a DNS name or an IP address';
    path = decodeURIComponent(parsed.pathname);
    if ((scheme === 'https' || scheme === 'http') && ARCHIVE_SUFFIX.test(path)) {
      source = { kind: 'archive', transport: 'http' };
    }
  } else {
    return `the scheme "${scheme}" is not accepted; use https, http, git, ssh, dir or s3`;
  }
  const segments = path.split('/').filter((segment) => segment.length > 0);
  if (segments.some((segment) => segment === '..')) return 'the path cannot contain ".."';
  const suffix = source.kind === 'archive' ? ARCHIVE_SUFFIX : /\.git$/;
  const last = segments.at(-1)?.replace(suffix, '');
  const owner = segments.at(-2);
  if (!last || !owner) {
    return source.kind === 'archive'
      ? 'the URL must end with <owner>/<name>.tar.gz'
      : 'the URL must end with <owner>/<repo>';
  }
  return { ...source, url: text, display: stripUserInfo(text), owner, name: last };
}

/** `s3://<bucket>/<key>.tar.gz`: the names come from the key's last two segments, or the bucket and a one-segment key. */
function parseS3(text: string): { path: string; source: SourceKind } | string {
  const rest = text.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  if (!BUCKET.test(bucket)) return `the bucket "${bucket}" is not an S3 bucket name (3 to 63 of a-z, 0-9, ".", "-")`;
  if (/[?#]/.test(key) || key.includes('@')) return 'an s3:// URL is s3://<bucket>/<key>, without query or user';
  if (!ARCHIVE_SUFFIX.test(key)) return 'an s3:// URL must name a .tar.gz or .tgz archive';
  const segments = key.split('/').filter((segment) => segment.length > 0);
  // A one-segment key is named by its bucket and itself.
  const path = segments.length === 1 ? `${bucket}/${key}` : key;
  return { path, source: { kind: 'archive', transport: 's3', bucket, key } };
}
