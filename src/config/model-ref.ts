// run_id of trained_model: an MLflow run id, or a registered model's version as models:/<name>/<version>.

import { runIdProblem } from './values.js';

/** A registered model's version, named in place of a run id. */
export interface RegisteredModel {
  readonly name: string;
  readonly version: string;
}

// A tag holds at most 128 characters; the version's suffix needs a few.
const MAX_TAG = 128;

/** The image tag of a registered model's version: `<name lower-cased, other characters as ->-v<version>`. */
export function registeredModelTag(model: RegisteredModel): string {
  return `${model.name.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}-v${model.version}`;
}

/** Reads run_id: a run id (undefined), a registered model's version, or a problem (aliases and stages refused). */
export function parseModelRef(text: string): RegisteredModel | undefined | { readonly problem: string } {
  if (!text.startsWith('models:/')) {
    const problem = runIdProblem(text);
    return problem === undefined ? undefined : { problem };
  }
  const rest = text.slice('models:/'.length);
  if (rest.includes('@')) {
    return {
      problem: 'model aliases (models:/<name>@<alias>) are not accepted; name the version: models:/<name>/<version>',
    };
  }
  const slash = rest.lastIndexOf('/');
  const name = rest.slice(0, slash);
  const version = rest.slice(slash + 1);
  if (slash <= 0 || name.includes('/') || /[\s\p{Cc}]/u.test(name.replace(/ /g, '')) || name.trim() !== name) {
    return { problem: 'expected models:/<name>/<version>' };
  }
  if (!/^[1-9]\d{0,8}$/.test(version)) {
    return {
      problem: `"${version}" is not a version number; stages (Production, Staging…) are not accepted: name the version, models:/${name}/<version>`,
    };
  }
  const model = { name, version };
  const tag = registeredModelTag(model);
  if (tag.length > MAX_TAG || !/^[a-z0-9_]/.test(tag)) {
    return {
      problem: 'the model name must start with a letter, digit or "_" and make a tag of at most 128 characters',
    };
  }
  return model;
}
