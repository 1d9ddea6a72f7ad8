// Asks pip whether a dependency set installs for a target python and platform; every outcome is a value.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { satisfies } from '../deps/pep440.js';
import { parseRequirement } from '../deps/pep508-requirement.js';
import { normaliseName, requirementName } from '../deps/requirement-name.js';
import { CommandError } from '../errors.js';
import { run } from '../tools/exec.js';
import { type PipIndex, type PipTarget, pipResolveArgs, pipVersionsArgs } from '../tools/pip-args.js';
import {
  classifyPipFailure,
  type PipFailure,
  type ResolvedPackage,
  readPipReport,
  readPipVersions,
} from '../tools/pip-output.js';

/** How to run the builder's pip. */
export interface PipSetup {
  /** The python of the builder's virtual environment. */
  readonly python: string;
  /** fl-templates/checks/pip_for_target.py. */
  readonly shim: string;
  /** PATH, HOME, proxies, NETRC: the whole environment pip gets. */
  readonly env: Readonly<Record<string, string>>;
  readonly index: PipIndex;
  readonly certFile: string | undefined;
  /** The resolve phase's: it carries the phase's time limit, so no pip call repeats it. */
  readonly signal: AbortSignal;
  /** Every line pip writes, for the log. */
  readonly onLine?: (line: string) => void;
}

/** The set the base image installs, and where to write the files pip reads and writes. */
export interface ResolveRequest {
  readonly target: PipTarget;
  /** The lines of the base image's requirements.txt. */
  readonly requirements: readonly string[];
  /** The lines of its constraints.txt (the repo's `-c` files). */
  readonly constraints: readonly string[];
  /** What the base image installs besides them (`flwr==1.42.0`, `paho-mqtt==2.2.0`). */
  readonly packages: readonly string[];
  readonly workDir: string;
}

/** A requirement pip could not check without building it, and why. */
export interface NotChecked {
  readonly requirement: string;
  readonly reason: 'direct-reference' | 'no-binary-option' | 'source-only';
  /** For a source-only dependency: what asked for it. */
  readonly parent?: string;
}

/** What pip said about the set. */
export type ResolveOutcome =
  /** It installs; `notChecked` lists what was left out of the check (the rest was checked without it). */
  | {
      readonly status: 'installable';
      readonly packages: readonly ResolvedPackage[];
      readonly pipVersion: string;
      /** The python version pip evaluated markers for (the shim makes it the target's). */
      readonly markerPython: string;
      readonly notChecked: readonly NotChecked[];
    }
  /** A dependency pulled in by the builder or by another dependency has only source releases: nothing could be checked. */
  | { readonly status: 'unchecked'; readonly notChecked: readonly NotChecked[] }
  | {
      readonly status: 'conflict';
      readonly requirements: readonly string[];
      readonly causes: readonly string[];
      readonly notChecked: readonly NotChecked[];
    }
  /** No release of `project` matching `requirement` installs on the target; `wheelVersions` are ones that do. */
  | {
      readonly status: 'not-found';
      readonly requirement: string;
      readonly project: string;
      readonly parent: string | undefined;
      readonly wheelVersions: readonly string[];
    }
  | { readonly status: 'index-failed'; readonly tls: boolean; readonly detail: string }
  | { readonly status: 'failed'; readonly detail: string };

// Each round leaves out one source-only requirement and tries again; a set with more is not worth more rounds.
const MAX_ROUNDS = 4;

/** Runs pip's dry-run install of the set, leaving out what cannot be checked from wheels, and classifies the result. */
export async function resolveSet(request: ResolveRequest, pip: PipSetup): Promise<ResolveOutcome> {
  const { checkable, notChecked } = splitCheckable(request.requirements);
  let lines = checkable;
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    const attempt = await dryRun(request, pip, lines, round);
    if (attempt.ok) {
      const { packages, pipVersion, environment } = attempt.report;
      return {
        status: 'installable',
        packages,
        pipVersion,
        markerPython: environment.python_version ?? '',
        notChecked,
      };
    }
    const failure = attempt.failure;
    switch (failure.kind) {
      case 'conflict':
        return { status: 'conflict', requirements: failure.requirements, causes: failure.causes, notChecked };
      case 'index':
        return { status: 'index-failed', tls: failure.tls, detail: failure.detail };
      case 'other':
        return { status: 'failed', detail: failure.detail };
      case 'no-distribution': {
        const judged = await judgeMissing(request, pip, failure);
        if (judged.status !== 'source-only') return judged;
        notChecked.push({
          requirement: failure.requirement,
          reason: 'source-only',
          ...(failure.parent ? { parent: failure.parent } : {}),
        });
        const culprit = topLevelLine(lines, failure.parent ?? failure.requirement);
        if (culprit < 0) return { status: 'unchecked', notChecked };
        lines = lines.filter((_line, index) => index !== culprit);
      }
    }
  }
  return { status: 'unchecked', notChecked };
}

/**
 * Leaves out what pip would have to build to learn its dependencies (building runs the package's code on the
 * builder): VCS and local paths, URLs of source archives, and `--no-binary` option lines.
 */
export function splitCheckable(requirements: readonly string[]): { checkable: string[]; notChecked: NotChecked[] } {
  const checkable: string[] = [];
  const notChecked: NotChecked[] = [];
  for (const line of requirements) {
    const trimmed = line.trim();
    if (/^--no-binary\b/.test(trimmed) || /^(-e|--editable)\b/.test(trimmed)) {
      notChecked.push({
        requirement: trimmed,
        reason: /^--no-binary/.test(trimmed) ? 'no-binary-option' : 'direct-reference',
      });
      continue;
    }
    const parsed = trimmed.startsWith('-') ? undefined : parseRequirement(trimmed);
    const wheelUrl = parsed?.kind === 'url' && /\.whl$/i.test((parsed.url ?? '').replace(/[#?].*$/, ''));
    if (parsed !== undefined && parsed.kind !== 'index' && !wheelUrl) {
      notChecked.push({ requirement: trimmed, reason: 'direct-reference' });
      continue;
    }
    checkable.push(line);
  }
  return { checkable, notChecked };
}

type Attempt =
  | { readonly ok: true; readonly report: ReturnType<typeof readPipReport> }
  | { readonly ok: false; readonly failure: PipFailure };

async function dryRun(
  request: ResolveRequest,
  pip: PipSetup,
  lines: readonly string[],
  round: number,
): Promise<Attempt> {
  const requirementsFile = join(request.workDir, `requirements-${round}.txt`);
  const reportFile = join(request.workDir, `report-${round}.json`);
  await writeFile(requirementsFile, lines.map((line) => `${line}\n`).join(''));
  const constraintsFile = request.constraints.length > 0 ? join(request.workDir, 'constraints.txt') : undefined;
  if (constraintsFile) await writeFile(constraintsFile, request.constraints.map((line) => `${line}\n`).join(''));
  const args = pipResolveArgs({
    ...pip,
    ...request.target,
    reportFile,
    requirementsFile,
    constraintsFile,
    packages: request.packages,
  });
  const output = await runPip(pip, args, request.workDir);
  if (output !== undefined) return { ok: false, failure: classifyPipFailure(output, lines) };
  return { ok: true, report: readPipReport(await readFile(reportFile, 'utf8')) };
}

/** Whether a requirement pip found no wheel for has no release for the target at all, or only source releases. */
async function judgeMissing(
  request: ResolveRequest,
  pip: PipSetup,
  failure: Extract<PipFailure, { kind: 'no-distribution' }>,
): Promise<ResolveOutcome | { readonly status: 'source-only' }> {
  const [all, wheels] = await Promise.all([
    indexVersions(request, pip, failure.project, false),
    indexVersions(request, pip, failure.project, true),
  ]);
  for (const listed of [all, wheels]) {
    if (!Array.isArray(listed) && listed.kind === 'index')
      return { status: 'index-failed', tls: listed.tls, detail: listed.detail };
  }
  if (!Array.isArray(all) || !Array.isArray(wheels)) return { status: 'source-only' };
  const specifier = parseRequirement(failure.requirement)?.specifier;
  const candidates = specifier === undefined ? all : all.filter((version) => satisfies(version, specifier));
  if (candidates.length > 0) return { status: 'source-only' };
  return {
    status: 'not-found',
    requirement: failure.requirement,
    project: failure.project,
    parent: failure.parent,
    wheelVersions: wheels,
  };
}

/** A project's versions for the target (every release, or those with a wheel), or why pip could not list them. */
export async function indexVersions(
  request: Pick<ResolveRequest, 'target' | 'workDir'>,
  pip: PipSetup,
  project: string,
  wheelsOnly: boolean,
): Promise<string[] | PipFailure> {
  const args = pipVersionsArgs({ ...pip, ...request.target, project, wheelsOnly });
  let stdout = '';
  const output = await runPip(pip, args, request.workDir, (text) => (stdout = text));
  if (output === undefined) return readPipVersions(stdout);
  const failure = classifyPipFailure(output);
  // "No matching distribution found": nothing for this target.
  return failure.kind === 'no-distribution' ? [] : failure;
}

/** Runs pip; undefined when it succeeded, else every line it wrote. Time-outs and cancels are thrown. */
async function runPip(
  pip: PipSetup,
  args: readonly string[],
  cwd: string,
  onStdout?: (stdout: string) => void,
): Promise<string[] | undefined> {
  const lines: string[] = [];
  try {
    const result = await run(pip.python, args, {
      cwd,
      env: pip.env,
      signal: pip.signal,
      onLine: (line) => {
        lines.push(line);
        pip.onLine?.(line);
      },
    });
    onStdout?.(result.stdout);
    return undefined;
  } catch (error) {
    if (!(error instanceof CommandError) || error.timedOut || error.cancelled || error.exitCode === undefined)
      throw error;
    return lines.length > 0 ? lines : error.stderrTail.split('\n');
  }
}

/** The index of the requirement line naming the same project as `requirement`, or -1. */
function topLevelLine(lines: readonly string[], requirement: string): number {
  const name = requirementName(requirement);
  return name === undefined ? -1 : lines.findIndex((line) => requirementName(line) === normaliseName(name));
}
