// The working state the planning steps change, one requirement at a time, and how they describe what they changed.

import type { EnvSpec, Requirement } from '../env-spec.js';
import { formatRequirement, type ParsedRequirement } from '../pep508-requirement.js';
import type { PlanOptions } from './types.js';

/** One requirement or constraint of the repo, as the steps see and change it. */
export interface Item {
  readonly source: Requirement;
  readonly constraint: boolean;
  /** Its marker holds for the image's python and machine. */
  readonly applies: boolean;
  /** The requirement as read; `parsed` is replaced when a patch changes it. */
  readonly original: ParsedRequirement;
  parsed: ParsedRequirement;
  removed: boolean;
  /** Raised to what the chosen Flower release needs. */
  raised: boolean;
}

/** What the steps share and change. */
export interface PlanState {
  readonly env: EnvSpec;
  readonly options: PlanOptions;
  /** The marker value `platform_machine` of the images (`x86_64`, `aarch64`). */
  readonly machine: string;
  readonly items: Item[];
  pipOptions: string[];
  readonly patches: string[];
  installer: 'pip' | 'conda';
  flwrVersion: string | undefined;
  /** Requirements the builder adds to every image (`datasets` for load_dataset…). */
  readonly additions: string[];
  /** Requirements the aggregator gets on top (the MLflow client). */
  readonly aggregatorAdditions: string[];
  /** Constraints the builder adds (bounds below releases that break code written before them). */
  readonly addedConstraints: string[];
}

/** A step of the plan: reads and changes the state, or throws DependencyRefusal. */
export type PlanStep = (state: PlanState) => void;

export function where(source: { file: string; line: number }): string {
  return `${source.file}:${source.line}`;
}

/** `numpy==1.26.4 (requirements.txt:3)`: a requirement and where the repo wrote it. */
export function cited(item: Item): string {
  return `${item.source.requirement} (${where(item.source)})`;
}

/** The line as the repo wrote it, unless a patch changed it. */
export function text(item: Item): string {
  return item.parsed === item.original ? item.source.requirement : formatRequirement(item.parsed, displayName(item));
}

/** The name as the repo wrote it (`scikit_learn` stays), for the lines the images install. */
function displayName(item: Item): string | undefined {
  const written = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(item.source.requirement)?.[1];
  return item.source.fromConda !== undefined || written === undefined ? item.parsed.name : written;
}

/** Up to four requirements with where they are written, then a count. */
export function listed(items: readonly Item[]): string {
  const names = items.map(cited);
  return names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
}

/** The live requirements named `name` that apply to the image (not constraints). */
export function named(items: readonly Item[], name: string): Item[] {
  return items.filter(
    (item) =>
      !item.removed && item.applies && !item.constraint && item.parsed.kind === 'index' && item.parsed.name === name,
  );
}
