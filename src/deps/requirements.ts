// requirements.txt: requirements with markers, extras, hashes and URLs; -r / -c includes that stay inside the repo; pip options.

import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { EnvFileError, type EnvSpec, type PipOption, type Requirement } from './env-spec.js';

/** One logical line of a requirements file: text without comment or continuations, and the line it starts on. */
export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

/** What requirement lines add to the model. */
export interface RequirementLines {
  readonly requirements: Requirement[];
  readonly constraints: Requirement[];
  readonly pipOptions: PipOption[];
}

// pip options that apply to the whole install and may stand in a requirements file; short forms → long.
const GLOBAL_OPTIONS: Readonly<Record<string, { long: string; takesValue: boolean }>> = {
  '-i': { long: '--index-url', takesValue: true },
  '--index-url': { long: '--index-url', takesValue: true },
  '--extra-index-url': { long: '--extra-index-url', takesValue: true },
  '-f': { long: '--find-links', takesValue: true },
  '--find-links': { long: '--find-links', takesValue: true },
  '--trusted-host': { long: '--trusted-host', takesValue: true },
  '--only-binary': { long: '--only-binary', takesValue: true },
  '--no-binary': { long: '--no-binary', takesValue: true },
  '--no-index': { long: '--no-index', takesValue: false },
  '--pre': { long: '--pre', takesValue: false },
  '--prefer-binary': { long: '--prefer-binary', takesValue: false },
  '--require-hashes': { long: '--require-hashes', takesValue: false },
};

/** Reads a requirements file (and the files it includes) into the common model. */
export function readRequirements(repoDir: string, file: string): EnvSpec {
  const lines: RequirementLines = { requirements: [], constraints: [], pipOptions: [] };
  readRequirementsFile(repoDir, file, lines, new Set(), false);
  return {
    file,
    format: 'requirements',
    pythonConstraint: undefined,
    pythonSource: undefined,
    ...lines,
    conda: undefined,
  };
}

/** Reads one file of requirement lines into `into`; constraints files put their lines into `constraints`. */
export function readRequirementsFile(
  repoDir: string,
  file: string,
  into: RequirementLines,
  seen: Set<string>,
  asConstraints: boolean,
): void {
  const key = `${asConstraints ? 'c' : 'r'}:${file}`;
  if (seen.has(key)) return;
  seen.add(key);
  let text: string;
  try {
    text = readFileSync(join(repoDir, file), 'utf8');
  } catch (error) {
    throw new EnvFileError(file, 'cannot be read', { cause: error });
  }
  readRequirementLines(repoDir, file, logicalLines(text), into, seen, asConstraints);
}

/**
 * Reads requirement lines (of a requirements file, or of a conda file's `pip:` section) into `into`.
 * Includes are read relative to `file`'s folder and must stay inside the repo.
 */
export function readRequirementLines(
  repoDir: string,
  file: string,
  lines: readonly NumberedLine[],
  into: RequirementLines,
  seen: Set<string>,
  asConstraints: boolean,
): void {
  for (const { text, line } of lines) {
    if (text === '') continue;
    const include = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?=[^-\s]))(\S+)$/.exec(text);
    if (include) {
      const [, flag = '', path = ''] = include;
      const target = relative(repoDir, resolve(repoDir, dirname(file), path));
      if (target.startsWith('..') || resolve(repoDir, target) !== resolve(repoDir, dirname(file), path)) {
        throw new EnvFileError(
          file,
          `line ${line} includes "${path}", which is outside the repo; keep included files inside it`,
        );
      }
      const constraints = asConstraints || flag === '-c' || flag === '--constraint';
      readRequirementsFile(repoDir, target, into, seen, constraints);
      continue;
    }
    const editable = /^(-e|--editable)(?:\s*=\s*|\s+)(\S+)$/.exec(text);
    if (editable) {
      (asConstraints ? into.constraints : into.requirements).push({ requirement: editable[2] ?? '', file, line });
      continue;
    }
    if (text.startsWith('-')) {
      into.pipOptions.push({ option: readOption(file, line, text), file, line });
      continue;
    }
    const hashes = /\s--hash[=\s]\S+/g;
    const hashed = hashes.test(text);
    const requirement = text.replace(hashes, '').trim();
    const entry: Requirement = hashed ? { requirement, file, line, hashed } : { requirement, file, line };
    (asConstraints ? into.constraints : into.requirements).push(entry);
  }
}

/** Splits text into logical lines: comments removed, backslash continuations joined, numbered by their first line. */
export function logicalLines(text: string, firstLine = 1): NumberedLine[] {
  const result: NumberedLine[] = [];
  let pending: string[] = [];
  let start = firstLine;
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    if (pending.length === 0) start = firstLine + index;
    if (/\\$/.test(raw)) {
      pending.push(raw.slice(0, -1));
      continue;
    }
    pending.push(raw);
    // pip removes a comment only where "#" starts the line or follows white space (URLs keep their fragments).
    const joined = pending
      .join(' ')
      .replace(/(^|\s)#.*$/, '')
      .trim();
    result.push({ text: joined.replace(/\s+/g, ' '), line: start });
    pending = [];
  }
  if (pending.length > 0)
    result.push({
      text: pending
        .join(' ')
        .replace(/(^|\s)#.*$/, '')
        .trim(),
      line: start,
    });
  return result;
}

function readOption(file: string, line: number, text: string): string {
  const [, flag = '', value] = /^(-[A-Za-z]|--[A-Za-z-]+)(?:\s*=\s*|\s+)?(\S+)?$/.exec(text) ?? [];
  const known = GLOBAL_OPTIONS[flag];
  if (known === undefined) {
    throw new EnvFileError(
      file,
      `line ${line}: the pip option "${flag || text}" is not supported here; the ones that are: ${Object.values(
        GLOBAL_OPTIONS,
      )
        .map((option) => option.long)
        .filter((name, index, all) => all.indexOf(name) === index)
        .join(', ')}, -r, -c, -e`,
    );
  }
  if (known.takesValue !== (value !== undefined)) {
    throw new EnvFileError(file, `line ${line}: "${text}" ${known.takesValue ? 'needs a value' : 'takes no value'}`);
  }
  return value === undefined ? known.long : `${known.long} ${value}`;
}
