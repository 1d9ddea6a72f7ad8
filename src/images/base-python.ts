// The python a pip-path base image holds, read from what the image says, and `--base-image` templates with
// `{python}` (a mirror of the official python images): the pure parts, which base-python-choice.ts uses.

import type { ImageConfig } from '../tables/oci.js';
import { parseImageRef } from './image-ref.js';

/** What `--base-image` may hold in its tag, replaced by the chosen `X.Y`: `mirror:5000/library/python:{python}-slim`. */
export const PYTHON_PLACEHOLDER = '{python}';

/** A base image's python as its config states it. */
export interface StatedPython {
  /** As written, e.g. `3.11.9`. */
  readonly version: string;
  /** `X.Y`. */
  readonly minor: string;
}

/** Whether `--base-image` is a template to fill with the chosen python. */
export function isBaseTemplate(base: string): boolean {
  return base.includes(PYTHON_PLACEHOLDER);
}

/** The template filled with a python minor. */
export function fillBaseTemplate(template: string, minor: string): string {
  return template.replaceAll(PYTHON_PLACEHOLDER, minor);
}

/**
 * What is wrong with a `--base-image` template, or undefined (a plain reference is checked where it is pinned).
 * `{python}` may only stand in the tag: the tag list of one repository says which pythons a mirror holds.
 */
export function baseTemplateProblem(base: string): string | undefined {
  if (!isBaseTemplate(base)) return undefined;
  const example = `such as mirror.local:5000/library/python:${PYTHON_PLACEHOLDER}-slim`;
  const [one, other] = ['3.11', '3.12'].map((minor) => parseImageRef(fillBaseTemplate(base, minor)));
  if (one === undefined || other === undefined || one.reference.startsWith('sha256:'))
    return `must be an image reference whose tag holds ${PYTHON_PLACEHOLDER}, ${example}`;
  if (one.registry !== other.registry || one.repository !== other.repository)
    return `${PYTHON_PLACEHOLDER} may only stand in the tag (after the last ":"), ${example}`;
  return undefined;
}

/** The repository whose tags a template's pythons are looked up in (the template is valid). */
export function templateRepository(template: string): { registry: string; repository: string } {
  const ref = parseImageRef(fillBaseTemplate(template, '3.11'));
  if (ref === undefined) throw new Error(`not a base image template: ${template}`);
  return { registry: ref.registry, repository: ref.repository };
}

/** The minors (in the order given) whose filled template names a tag among `tags`. */
export function minorsHeld(template: string, minors: readonly string[], tags: readonly string[]): string[] {
  const held = new Set(tags);
  return minors.filter((minor) => held.has(parseImageRef(fillBaseTemplate(template, minor))?.reference ?? ''));
}

/**
 * The python an image config states: `PYTHON_VERSION`, which the official python images (and so their mirrors)
 * set; undefined when the image does not say. A label is not read: no label names a python by convention.
 */
export function statedPython(config: ImageConfig): StatedPython | undefined {
  const line = (config.config?.Env ?? []).find((entry) => entry.startsWith('PYTHON_VERSION='));
  const version = line?.slice('PYTHON_VERSION='.length).trim() ?? '';
  const match = /^(3\.\d{1,2})(?:\.\d+)?(?:(?:a|b|rc)\d+)?$/.exec(version);
  return match?.[1] === undefined ? undefined : { version, minor: match[1] };
}
