// conda.yaml / environment.yml: python pin, conda packages, the `pip:` section, channels, anchors; with line numbers.

import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { classifyCondaPackage } from './conda-packages.js';
import { type CondaPackage, EnvFileError, type EnvSpec, type Source } from './env-spec.js';
import { type RequirementLines, readRequirementLines } from './requirements.js';

/** Reads a conda environment file into the common model; `-r` lines under `pip:` are read relative to it inside `repoDir`. */
export function readCondaEnv(repoDir: string, file: string, text: string): EnvSpec {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const [error] = document.errors;
  if (error) throw new EnvFileError(file, `is not valid YAML (${error.message.split('\n')[0]})`, { cause: error });
  const root = document.contents;
  if (root !== null && !isMap(root)) throw new EnvFileError(file, 'must be a YAML mapping with a "dependencies" list');
  const lineOf = (node: Node | null | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 0);

  const dependencies = resolve(document, root?.get('dependencies', true));
  if (dependencies !== undefined && dependencies !== null && !isSeq(dependencies))
    throw new EnvFileError(file, '"dependencies" must be a list');

  let python: { constraint: string | undefined; source: Source } | undefined;
  const lines: RequirementLines = { requirements: [], constraints: [], pipOptions: [] };
  const packages: CondaPackage[] = [];
  const channels = stringList(document, root?.get('channels', true));
  for (const item of dependencies?.items ?? []) {
    const entry = resolve(document, item as Node);
    const line = lineOf(item as Node);
    if (isScalar(entry) && typeof entry.value === 'string') {
      const spec = splitCondaSpec(entry.value);
      if (spec.channel !== undefined) channels.push(spec.channel);
      if (spec.name === 'python')
        python = { constraint: spec.constraint ?? python?.constraint, source: { file, line } };
      else if (spec.name !== 'pip') addCondaPackage(file, line, entry.value.trim(), spec, lines, packages);
    } else if (
      isMap(entry) &&
      entry.items.length === 1 &&
      isScalar(entry.items[0]?.key) &&
      entry.items[0]?.key.value === 'pip'
    ) {
      const pipList = resolve(document, entry.items[0]?.value as Node);
      if (!isSeq(pipList)) throw new EnvFileError(file, 'the "pip:" entry must be a list');
      const pipLines = pipList.items.map((pipItem) => {
        const value = resolve(document, pipItem as Node);
        if (!isScalar(value) || typeof value.value !== 'string')
          throw new EnvFileError(file, `line ${lineOf(pipItem as Node)}: every entry under "pip:" must be a string`);
        return { text: value.value.trim(), line: lineOf(pipItem as Node) };
      });
      readRequirementLines(repoDir, file, pipLines, lines, new Set([`r:${file}`]), false);
    } else {
      throw new EnvFileError(file, `line ${line}: cannot read the dependency ${JSON.stringify(entry?.toJSON())}`);
    }
  }
  const name = resolve(document, root?.get('name', true));
  return {
    file,
    format: 'conda',
    pythonConstraint: python?.constraint,
    pythonSource: python?.source,
    ...lines,
    conda: {
      name: isScalar(name) && typeof name.value === 'string' ? name.value : undefined,
      channels: [...new Set(channels)],
      packages,
    },
  };
}

function addCondaPackage(
  file: string,
  line: number,
  written: string,
  spec: CondaSpec,
  lines: RequirementLines,
  packages: CondaPackage[],
): void {
  const classified = classifyCondaPackage(spec.name);
  if (classified.kind === 'pip') {
    lines.requirements.push({
      requirement: condaToPip(classified.pypiName, spec.constraint),
      file,
      line,
      fromConda: written,
    });
  } else {
    packages.push({ spec: spec.withoutChannel, name: spec.name, kind: classified.kind, file, line });
  }
}

/** An alias (`*numpy`) stands for the node its anchor names. */
function resolve(document: Document, node: Node | null | undefined): Node | null | undefined {
  return isAlias(node) ? (node.resolve(document) as Node | undefined) : node;
}

function stringList(document: Document, node: Node | null | undefined): string[] {
  const list = resolve(document, node);
  if (!isSeq(list)) return [];
  return list.items
    .map((item) => resolve(document, item as Node))
    .flatMap((item) => (isScalar(item) && typeof item.value === 'string' ? [item.value] : []));
}

interface CondaSpec {
  readonly name: string;
  readonly constraint: string | undefined;
  readonly channel: string | undefined;
  readonly withoutChannel: string;
}

/** `numpy=1.26.4` → name numpy, constraint `=1.26.4`; `conda-forge::pip<=23.2` → name pip, constraint `<=23.2`, channel conda-forge. */
export function splitCondaSpec(written: string): CondaSpec {
  const spec = written.trim();
  const channelEnd = spec.indexOf('::');
  // `conda-forge/linux-64::numpy` names a channel and a subdir: the channel is what conda needs.
  const channel = channelEnd >= 0 ? spec.slice(0, channelEnd).split('/')[0] : undefined;
  const withoutChannel = channelEnd >= 0 ? spec.slice(channelEnd + 2) : spec;
  const match = /^([A-Za-z0-9_.-]+)\s*(.*)$/.exec(withoutChannel);
  const name = (match?.[1] ?? withoutChannel).toLowerCase();
  // conda also writes "numpy 1.26.4 py311h…" (name, version, build, separated by spaces).
  const spaced = /^([0-9][^\s]*)(?:\s+\S+)?$/.exec((match?.[2] ?? '').trim());
  const rest = spaced ? `=${spaced[1]}` : (match?.[2] ?? '').replace(/\s+/g, '');
  // conda's "name=1.2=build" form: the build string is not a version constraint.
  const constraint = rest.replace(/^=([^=<>!~]+)=.*$/, '=$1');
  return { name, constraint: constraint === '' ? undefined : constraint, channel, withoutChannel };
}

/** conda's `=1.26` means 1.26.*, `=1.26.4` an exact release; other operators mean the same in pip. */
export function condaToPip(name: string, constraint: string | undefined): string {
  if (!constraint) return name;
  const exact = /^=([^=<>!~,]+)$/.exec(constraint);
  if (!exact) return `${name}${constraint}`;
  const version = exact[1] ?? '';
  return version.split('.').length >= 3 || version.includes('*') ? `${name}==${version}` : `${name}==${version}.*`;
}
