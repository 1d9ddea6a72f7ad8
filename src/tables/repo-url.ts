// The repo URL argument: which schemes are accepted, and the owner/repo it names.

import { isValidHost } from './endpoint.js';

/** A repository URL that passed validation. */
export interface RepoUrl {
  /** The URL as given (may carry credentials: never log it, use `display`). */
  readonly url: string;
  /** The URL without user info, safe for logs, labels and messages. */
  readonly display: string;
  /** Second-to-last path segment, as written. */
  readonly owner: string;
  /** Last path segment without `.git`, as written. */
  readonly name: string;
}

const NETWORK_SCHEMES = ['https', 'http', 'git', 'ssh'];
// scp-like syntax that git accepts: [user@]host:path (no scheme, no "//").
const SCP_LIKE = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;

/** Removes `user:password@` from a URL so it can be shown. */
export function stripUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}

/** Validates a repo URL and derives owner and name; returns a problem as a string. */
export function parseRepoUrl(text: string, allowFileUrls: boolean): RepoUrl | string {
  if (text.startsWith('-')) return 'a repo URL cannot start with "-"';
  if (/\s/.test(text)) return 'a repo URL cannot contain white space';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  let path: string;
  if (scheme === undefined) {
    const scp = SCP_LIKE.exec(text);
    if (!scp) return 'expected https://, http://, git://, ssh:// or git@host:owner/repo';
    // A host such as "-oProxyCommand=…" would reach ssh as an option.
    if (!isValidHost(scp[1] ?? '')) return 'the host must be a DNS name or an IP address';
    path = scp[2] ?? '';
  } else if (scheme === 'file') {
    if (!allowFileUrls) return 'file:// URLs are accepted only with --allow-file-url';
    path = text.slice('file://'.length);
  } else if (NETWORK_SCHEMES.includes(scheme)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return 'the URL cannot be parsed';
    }
    if (!isValidHost(parsed.hostname)) return 'the host must be a DNS name or an IP address';
    path = decodeURIComponent(parsed.pathname);
  } else {
    return `the scheme "${scheme}" is not accepted; use https, http, git or ssh`;
  }
  const segments = path.split('/').filter((segment) => segment.length > 0);
  if (segments.some((segment) => segment === '..')) return 'the path cannot contain ".."';
  const last = segments.at(-1)?.replace(/\.git$/, '');
  const owner = segments.at(-2);
  if (!last || !owner) return 'the URL must end with <owner>/<repo>';
  return { url: text, display: stripUserInfo(text), owner, name: last };
}
