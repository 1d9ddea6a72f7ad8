// python_env.yaml as MLflow writes it beside a logged model: python, build_dependencies, dependencies (often `-r requirements.txt`).

import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { EnvFileError, type EnvSpec } from './env-spec.js';
import { requirementName } from './requirement-name.js';
import { type NumberedLine, type RequirementLines, readRequirementLines } from './requirements.js';

/** Reads python_env.yaml into the common model. */
export function readPythonEnv(repoDir: string, file: string, text: string): EnvSpec {
  const lineCounter = new LineCounter();
  // The failsafe schema keeps every scalar a string: `python: 3.10` must not become the number 3.1.
  const document = parseDocument(text, { lineCounter, schema: 'failsafe', prettyErrors: false });
  const [error] = document.errors;
  if (error) throw new EnvFileError(file, `is not valid YAML (${error.message.split('\n')[0]})`, { cause: error });
  const root = document.contents;
  if (!isMap(root)) throw new EnvFileError(file, 'must be a YAML mapping with "python" and "dependencies"');
  const lineOf = (node: Node): number => (node.range ? lineCounter.linePos(node.range[0]).line : 0);

  const pythonNode = root.get('python', true);
  if (pythonNode !== undefined && !(isScalar(pythonNode) && typeof pythonNode.value === 'string')) {
    throw new EnvFileError(file, '"python" must be a version such as 3.10.12');
  }
  const python = isScalar(pythonNode) ? String(pythonNode.value).trim() : undefined;
  const lines: RequirementLines = { requirements: [], constraints: [], pipOptions: [] };
  const seen = new Set([`r:${file}`]);
  // pip itself is the installer, not a package; setuptools and wheel stay (old code imports pkg_resources).
  const build = listOf(file, root.get('build_dependencies', true), 'build_dependencies', lineOf).filter(
    ({ text: entry }) => requirementName(entry) !== 'pip',
  );
  readRequirementLines(repoDir, file, build, lines, seen, false);
  readRequirementLines(
    repoDir,
    file,
    listOf(file, root.get('dependencies', true), 'dependencies', lineOf),
    lines,
    seen,
    false,
  );
  return {
    file,
    format: 'python-env',
    pythonConstraint: python === '' ? undefined : python,
    pythonSource: isScalar(pythonNode) ? { file, line: lineOf(pythonNode) } : undefined,
    ...lines,
    conda: undefined,
  };
}

function listOf(file: string, node: unknown, key: string, lineOf: (node: Node) => number): NumberedLine[] {
  if (node === undefined || node === null) return [];
  if (!isSeq(node)) throw new EnvFileError(file, `"${key}" must be a list`);
  return node.items.map((item) => {
    if (!isScalar(item)) throw new EnvFileError(file, `every entry of "${key}" must be a string`);
    return { text: String(item.value).trim(), line: lineOf(item) };
  });
}
