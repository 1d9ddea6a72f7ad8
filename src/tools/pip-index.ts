// The build environment's pip index settings, for pip on the builder: URLs for argv, their credentials for a netrc.

/** The pip index default when the build environment names none (pip's own default, written out). */
export const DEFAULT_INDEX_URL = 'https://pypi.org/simple';

/** Where pip looks for packages: the build environment's index settings, with any credentials moved to a netrc. */
export interface PipIndex {
  readonly indexUrl: string;
  readonly extraIndexUrls: readonly string[];
  readonly trustedHosts: readonly string[];
}

/** The index settings, and the netrc text holding the credentials taken out of their URLs ('' when none). */
export interface PipIndexSettings {
  readonly index: PipIndex;
  readonly netrc: string;
}

// netrc has no escapes: a value with white space or quotes cannot be written, and then stays in its URL.
const NETRC_SAFE = /^[^\s"'\\#]+$/;

/**
 * Reads PIP_INDEX_URL, PIP_EXTRA_INDEX_URL and PIP_TRUSTED_HOST as the build's pip does (lists split on white
 * space). A URL's user and password move to netrc lines (pip reads them through NETRC), so a token never reaches
 * a command line, where any process of the machine could read it.
 */
export function pipIndexFromEnv(buildEnv: Readonly<Record<string, string>>): PipIndexSettings {
  const hosts = new Map<string, string>();
  const strip = (url: string): string => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return url;
    }
    if (!parsed.username && !parsed.password) return url;
    const login = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    const entry = `machine ${parsed.hostname} login ${login}${password ? ` password ${password}` : ''}`;
    const known = hosts.get(parsed.hostname);
    // One netrc entry per host: a second index on the same host with other credentials keeps them in its URL.
    if (
      !NETRC_SAFE.test(login) ||
      (password !== '' && !NETRC_SAFE.test(password)) ||
      (known !== undefined && known !== entry)
    )
      return url;
    hosts.set(parsed.hostname, entry);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  };
  const list = (value: string | undefined): string[] => (value ?? '').split(/\s+/).filter(Boolean);
  const indexUrl = strip(list(buildEnv.PIP_INDEX_URL)[0] ?? DEFAULT_INDEX_URL);
  const extraIndexUrls = list(buildEnv.PIP_EXTRA_INDEX_URL).map(strip);
  const netrc = [...hosts.values()].map((entry) => `${entry}\n`).join('');
  return { index: { indexUrl, extraIndexUrls, trustedHosts: list(buildEnv.PIP_TRUSTED_HOST) }, netrc };
}
