// What Apptainer writes into the root of an image it makes from an OCI image: /.singularity.d with the runscript made
// from ENTRYPOINT and CMD, the environment from ENV, the labels from the labels, and the links its actions use.

import type { ImageConfig } from '../tables/oci.js';

/** A file or link under the image's root. */
export type RootEntry =
  | { readonly kind: 'file'; readonly path: string; readonly mode: number; readonly text: string }
  | { readonly kind: 'dir'; readonly path: string; readonly mode: number }
  | { readonly kind: 'link'; readonly path: string; readonly target: string };

/** `'a b'` as POSIX sh reads it back as one word. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

/**
 * The runscript Apptainer writes for an OCI image: ENTRYPOINT with the arguments given, or with CMD when none are;
 * CMD alone when there is no ENTRYPOINT (then arguments replace it).
 */
export function runscript(entrypoint: readonly string[], cmd: readonly string[]): string {
  const words = (list: readonly string[]): string => list.map(shellQuote).join(' ');
  return [
    '#!/bin/sh',
    `OCI_ENTRYPOINT=${shellQuote(words(entrypoint))}`,
    `OCI_CMD=${shellQuote(words(cmd))}`,
    '# ENTRYPOINT only: the entrypoint with the arguments. CMD only: CMD, or the arguments in its place.',
    '# Both: the entrypoint with the arguments, or with CMD when there are none.',
    'if [ -n "$OCI_ENTRYPOINT" ]; then',
    '    if [ $# -gt 0 ]; then eval "set -- $OCI_ENTRYPOINT \\"\\$@\\""; else eval "set -- $OCI_ENTRYPOINT $OCI_CMD"; fi',
    'elif [ $# -eq 0 ]; then',
    '    eval "set -- $OCI_CMD"',
    'fi',
    'exec "$@"',
    '',
  ].join('\n');
}

/** The image's ENV as Apptainer's env/10-docker2singularity.sh sets it: a value set at run time wins, but PATH's. */
export function dockerEnv(env: readonly string[]): string {
  const lines = env.flatMap((line) => {
    const at = line.indexOf('=');
    if (at <= 0) return [];
    const name = line.slice(0, at);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return [];
    const value = line.slice(at + 1);
    // Inside "${NAME:-…}" a single-quoted word would keep its quotes: the default is double-quoted, escaped.
    return name === 'PATH'
      ? [`export PATH=${shellQuote(value)}`]
      : [`export ${name}="\${${name}:-"${value.replace(/[\\"$`]/g, '\\$&')}"}"`];
  });
  return ['#!/bin/sh', ...lines, ''].join('\n');
}

const SOURCE_ENV = 'for script in /.singularity.d/env/*.sh; do\n    if [ -f "$script" ]; then . "$script"; fi\ndone\n';

/** Every entry of /.singularity.d and the links at the root, from the image's config. */
export function singularityEntries(config: ImageConfig): RootEntry[] {
  const image = config.config ?? {};
  const labels = { ...(image.Labels ?? {}) };
  const file = (path: string, text: string, mode = 0o755): RootEntry => ({ kind: 'file', path, mode, text });
  const dir = (path: string): RootEntry => ({ kind: 'dir', path, mode: 0o755 });
  return [
    dir('.singularity.d'),
    dir('.singularity.d/env'),
    dir('.singularity.d/actions'),
    dir('.singularity.d/libs'),
    file('.singularity.d/runscript', runscript(image.Entrypoint ?? [], image.Cmd ?? [])),
    file('.singularity.d/startscript', '#!/bin/sh\n'),
    file('.singularity.d/labels.json', `${JSON.stringify(labels, null, 4)}\n`, 0o644),
    file('.singularity.d/env/01-base.sh', '#!/bin/sh\n'),
    file('.singularity.d/env/10-docker2singularity.sh', dockerEnv(image.Env ?? [])),
    file('.singularity.d/env/90-environment.sh', '#!/bin/sh\n# Custom environment shell code should follow\n'),
    file('.singularity.d/env/99-base.sh', '#!/bin/sh\n'),
    // The actions `apptainer run`, `exec` and `shell` start: the environment first, then the command. Like
    // Apptainer's, they stay in the caller's folder: an image's WORKDIR applies only with `--pwd`.
    file('.singularity.d/actions/run', `#!/bin/sh\n${SOURCE_ENV}exec /.singularity.d/runscript "$@"\n`),
    file('.singularity.d/actions/exec', `#!/bin/sh\n${SOURCE_ENV}exec "$@"\n`),
    file('.singularity.d/actions/shell', `#!/bin/sh\n${SOURCE_ENV}exec /bin/sh "$@"\n`),
    file('.singularity.d/actions/start', `#!/bin/sh\n${SOURCE_ENV}exec /.singularity.d/startscript "$@"\n`),
    file('.singularity.d/actions/test', `#!/bin/sh\n${SOURCE_ENV}exit 0\n`),
    { kind: 'link', path: 'singularity', target: '.singularity.d/runscript' },
    { kind: 'link', path: '.run', target: '.singularity.d/actions/run' },
    { kind: 'link', path: '.exec', target: '.singularity.d/actions/exec' },
    { kind: 'link', path: '.shell', target: '.singularity.d/actions/shell' },
    { kind: 'link', path: '.test', target: '.singularity.d/actions/test' },
    { kind: 'link', path: 'environment', target: '.singularity.d/env/90-environment.sh' },
  ];
}

/** The JSON inspect metadata Apptainer keeps in a SIF beside the root filesystem (`apptainer inspect --json`). */
export function inspectMetadata(config: ImageConfig, source: string): string {
  const image = config.config ?? {};
  return JSON.stringify({
    data: {
      attributes: {
        labels: { ...(image.Labels ?? {}) },
        deffile: deffile(source),
        runscript: runscript(image.Entrypoint ?? [], image.Cmd ?? []),
        environment: { '10-docker2singularity.sh': dockerEnv(image.Env ?? []) },
      },
    },
    type: 'container',
  });
}

/** The definition Apptainer records for an image it built from a registry's. */
export function deffile(source: string): string {
  return `bootstrap: docker\nfrom: ${source}\n`;
}
