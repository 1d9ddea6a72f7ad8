// Small parsers and helpers for config values; each problem is returned as text, so all are reported together.

import { type Platforms, platformRows } from '../platforms.js';
import { DEFAULT_PHASE_TIMEOUTS_S, type PhaseName, type PlanName, phaseNames } from '../tables/phase-table.js';

/** Environment variables handed to the build steps that fetch packages. */
export const BUILD_ENV_PASSTHROUGH = [
  'PIP_INDEX_URL',
  'PIP_EXTRA_INDEX_URL',
  'PIP_TRUSTED_HOST',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
] as const;

/** The MLflow flavors FLOps models come in; the images get it as ML_MODEL_FLAVOR. */
export const ML_MODEL_FLAVORS = ['sklearn', 'pytorch', 'tensorflow', 'keras'] as const;
export type MlModelFlavor = (typeof ML_MODEL_FLAVORS)[number];

/** A problem with a value, said for people. */
export interface Problem {
  readonly problem: string;
}

// A platform as OCI names them: os/architecture[/variant]; which ones can be built, the platforms table says.
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
// A path component as the distribution registry accepts it.
const REGISTRY_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
// MLflow's run ids are 32 hex digits; the tag rules of a registry bound what else could pass.
const RUN_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function parseFlavor(text: string): MlModelFlavor | Problem {
  const flavor = ML_MODEL_FLAVORS.find((name) => name === text);
  return flavor ?? { problem: `must be one of ${ML_MODEL_FLAVORS.join(', ')}` };
}

/** `linux/amd64,linux/arm64` → the platforms' rows, once each, in the order given; one the builder cannot build for is a problem. */
export function parsePlatforms(text: string): Platforms | Problem {
  const items = text.split(',').map((item) => item.trim());
  const bad = items.filter((item) => !PLATFORM.test(item));
  if (items.length === 0 || bad.length > 0) {
    return { problem: 'expected a comma-separated list of platforms such as linux/amd64,linux/arm64' };
  }
  const rows = platformRows([...new Set(items)]);
  return typeof rows === 'string' ? { problem: rows } : rows;
}

/** The MLflow tracking server: an http(s) URL without credentials in a query or fragment. */
export function parseTrackingUri(text: string): URL | Problem {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return { problem: 'expected an http:// or https:// URL of the MLflow tracking server' };
  }
  return url;
}

/** A run id that can also be an image tag. */
export function runIdProblem(text: string): string | undefined {
  return RUN_ID.test(text) ? undefined : 'expected an MLflow run id (letters, digits, "_", "." or "-")';
}

/** The customer id as the image path uses it (lower-cased, as the manager computes it), or undefined if invalid. */
export function toRegistryName(text: string): string | undefined {
  const lower = text.toLowerCase();
  return REGISTRY_COMPONENT.test(lower) ? lower : undefined;
}

/** A whole number of at least 1 (limits, seconds); the default when not given. */
export function positiveInteger(name: string, text: string | undefined, fallback: number, problems: string[]): number {
  if (text === undefined) return fallback;
  const value = /^\d{1,9}$/.test(text) ? Number(text) : 0;
  if (value < 1) problems.push(`${name} "${text}": must be a whole number from 1 to 999999999`);
  return value || fallback;
}

/** A count that may be 0 (`--keep-deps 0`: keep everything). */
export function keepCount(name: string, text: string | undefined, fallback: number, problems: string[]): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,6}$/.test(text)) {
    problems.push(`${name} "${text}": must be a whole number from 0 to 999999`);
    return fallback;
  }
  return Number(text);
}

/** `PHASE=SECONDS` pairs from the environment (comma-separated) and then the options, which win. */
export function parsePhaseTimeouts(
  plan: PlanName,
  options: OptionValue | undefined,
  envText: string | undefined,
  problems: string[],
): Record<PhaseName, number> {
  const phases: readonly string[] = phaseNames(plan);
  const timeouts: Record<PhaseName, number> = { ...DEFAULT_PHASE_TIMEOUTS_S };
  const fromEnv = (envText ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => ['FLOPS_PHASE_TIMEOUTS', item] as const);
  const given = typeof options === 'string' ? [options] : Array.isArray(options) ? options : [];
  const fromOptions = given.map((item) => ['--phase-timeout', item] as const);
  for (const [name, item] of [...fromEnv, ...fromOptions]) {
    const [, phase = '', seconds = ''] = /^([^=]*)=(.*)$/.exec(item) ?? [];
    if (!phases.includes(phase)) {
      problems.push(`${name} "${item}": expected PHASE=SECONDS with PHASE one of ${phases.join(', ')}`);
      continue;
    }
    const value = /^\d{1,9}$/.test(seconds) ? Number(seconds) : 0;
    if (value < 1) problems.push(`${name} "${item}": the seconds must be a whole number from 1 to 999999999`);
    else timeouts[phase as PhaseName] = value;
  }
  return timeouts;
}
type OptionValue = string | boolean | readonly string[];

/** Secret values worth blanking: tokens, passwords, and the user info of URLs (`user:password@`). */
export function collectSecrets(values: readonly (string | undefined)[], urls: readonly string[]): string[] {
  const secrets = new Set(values.filter((value): value is string => value !== undefined));
  for (const url of urls) {
    const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/]+)@/i.exec(url)?.[1];
    if (!userInfo) continue;
    secrets.add(userInfo);
    // A short user name such as "git" is not secret, and blanking it would garble messages.
    for (const part of userInfo.split(':')) if (part.length >= 6) secrets.add(part);
  }
  return [...secrets];
}

/** Freezes an object and everything inside it, so no phase can change the configuration. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof URL)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
