// Reading the files under deploy/, and finding the schema validators of the project's virtual environment.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const DEPLOY_DIR = fileURLToPath(new URL('../../deploy/', import.meta.url));
const VENV_BIN = fileURLToPath(new URL('../../.venv/bin/', import.meta.url));

export function deployPath(relative: string): string {
  return `${DEPLOY_DIR}${relative}`;
}

export function readDeployText(relative: string): string {
  return readFileSync(deployPath(relative), 'utf8');
}

export function readDeployJson<T>(relative: string): T {
  return JSON.parse(readDeployText(relative)) as T;
}

/** Every YAML document of the file; aliases resolved, as Kubernetes and Compose read them. */
export function readDeployYaml<T>(relative: string): T[] {
  return parseAllDocuments(readDeployText(relative)).map((document) => {
    if (document.errors.length > 0)
      throw new Error(`${relative}: ${document.errors.map((error) => error.message).join('; ')}`);
    return document.toJS() as T;
  });
}

/**
 * A validator installed in the project's .venv by fl-templates/requirements-test.txt, or the one an
 * environment variable names (for a scratch venv). The tests install nothing themselves.
 */
export function venvTool(name: string, overrideVariable: string, pin: string): string {
  const tool = process.env[overrideVariable] || `${VENV_BIN}${name}`;
  if (!existsSync(tool)) {
    throw new Error(
      `${tool} is missing: install ${pin} into .venv (fl-templates/requirements-test.txt) or set ${overrideVariable}`,
    );
  }
  return tool;
}
