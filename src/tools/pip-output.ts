// What pip wrote: its install report (JSON), its `index versions --json`, and why a dry run failed.

/** One package pip would install. */
export interface ResolvedPackage {
  readonly name: string;
  readonly version: string;
}

/** The parts of pip's `--report` the builder uses. */
export interface PipReport {
  readonly pipVersion: string;
  readonly packages: readonly ResolvedPackage[];
  /** The marker environment pip evaluated with (its python_version is the target's, through the shim). */
  readonly environment: Readonly<Record<string, string>>;
}

/** Why a dry-run install failed, read from pip's output lines. */
export type PipFailure =
  /** ResolutionImpossible: `requirements` cannot be installed together; `causes` are pip's "X depends on Y" lines. */
  | { readonly kind: 'conflict'; readonly requirements: readonly string[]; readonly causes: readonly string[] }
  /** No release of `project` matches `requirement` for the target; `parent` is what asked for it, if not the user. */
  | {
      readonly kind: 'no-distribution';
      readonly requirement: string;
      readonly project: string;
      readonly parent: string | undefined;
    }
  /** The index could not be reached or refused us; `tls` when certificate verification failed. */
  | { readonly kind: 'index'; readonly tls: boolean; readonly detail: string }
  | { readonly kind: 'other'; readonly detail: string };

/** Reads pip's installation report (format version 1). */
export function readPipReport(json: string): PipReport {
  const report = JSON.parse(json) as {
    pip_version?: string;
    install?: { metadata?: { name?: string; version?: string } }[];
    environment?: Record<string, string>;
  };
  const packages = (report.install ?? []).flatMap((item) =>
    item.metadata?.name && item.metadata.version ? [{ name: item.metadata.name, version: item.metadata.version }] : [],
  );
  return { pipVersion: report.pip_version ?? '', packages, environment: report.environment ?? {} };
}

/** The versions in `pip index versions --json` output, newest first. */
export function readPipVersions(json: string): string[] {
  const parsed = JSON.parse(json) as { versions?: unknown };
  return Array.isArray(parsed.versions)
    ? parsed.versions.filter((version): version is string => typeof version === 'string')
    : [];
}

const CONFLICT = /^ERROR: Cannot install (.+) because these package versions have conflicting dependencies\.?$/;
const NO_DISTRIBUTION = /^ERROR: No matching distribution found for (.+)$/;
const FROM_PARENT = /^(.*\S) \(from ([^()]+)\)$/;
const TLS = /SSLError|CERTIFICATE_VERIFY_FAILED|certificate verify failed/i;
const UNREACHABLE =
  /NewConnectionError|ConnectTimeoutError|ReadTimeoutError|NameResolutionError|ProxyError|RemoteDisconnected|Connection reset|Max retries exceeded|Could not fetch URL|HTTP error (401|403|407)|40[137] Client Error/;

/**
 * Classifies a failed `pip install --dry-run` from every line it wrote (stdout and stderr, in any interleaving).
 * `fileLines` are the lines of the requirements file it was given, so "-r <file> (line N)" can be named.
 */
export function classifyPipFailure(lines: readonly string[], fileLines: readonly string[] = []): PipFailure {
  const named = (text: string): string => {
    const fromFile = /^-r .+ \(line (\d+)\)$/.exec(text.trim());
    return (fromFile ? fileLines[Number(fromFile[1]) - 1] : undefined) ?? text.trim();
  };
  const conflict = lines.map((line) => CONFLICT.exec(line.trim())).find((match) => match !== null);
  if (conflict?.[1]) {
    // pip joins the requirements as "a, b and c", and writes a specifier's clauses as "numpy<1.26 and >=1.20".
    const requirements: string[] = [];
    for (const part of conflict[1].split(/, | and /)) {
      if (/^[<>=!~]/.test(part) && requirements.length > 0)
        requirements.push(`${requirements.pop() ?? ''} and ${part}`);
      else requirements.push(part);
    }
    return { kind: 'conflict', requirements: requirements.map(named), causes: conflictCauses(lines) };
  }
  const tls = lines.find((line) => TLS.test(line));
  if (tls) return { kind: 'index', tls: true, detail: shorten(tls) };
  const unreachable = lines.filter((line) => UNREACHABLE.test(line)).at(-1);
  if (unreachable) return { kind: 'index', tls: false, detail: shorten(unreachable) };
  const missing = lines.map((line) => NO_DISTRIBUTION.exec(line.trim())).find((match) => match !== null);
  if (missing?.[1]) {
    const withParent = FROM_PARENT.exec(missing[1]);
    const requirement = named(withParent?.[1] ?? missing[1]);
    return {
      kind: 'no-distribution',
      requirement,
      project: projectOf(requirement),
      parent: withParent?.[2] ? named(withParent[2]) : undefined,
    };
  }
  const errors = lines.filter((line) => line.startsWith('ERROR:')).map((line) => line.slice('ERROR:'.length).trim());
  return {
    kind: 'other',
    detail: shorten(
      errors.join(' ') ||
        lines
          .filter((line) => line.trim())
          .slice(-3)
          .join(' '),
    ),
  };
}

/** The indented lines under "The conflict is caused by:", without repeats. */
function conflictCauses(lines: readonly string[]): string[] {
  const start = lines.findIndex((line) => line.trim() === 'The conflict is caused by:');
  if (start < 0) return [];
  const causes: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('ERROR:') || line.startsWith('WARNING:')) continue;
    if (!/^\s+\S/.test(line)) break;
    if (!causes.includes(line.trim())) causes.push(line.trim());
  }
  return causes;
}

/** The project a requirement names, as written (`Foo_Bar[x]>=1` → `Foo_Bar`). */
function projectOf(requirement: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(requirement.trim())?.[0] ?? requirement.trim();
}

function shorten(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
