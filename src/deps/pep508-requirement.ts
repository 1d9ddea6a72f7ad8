// PEP 508 requirement lines: name, extras, version specifier or URL, environment marker (evaluated in pep508-marker.ts).
// Hand-written because npm has no maintained PEP 508 parser; versions and specifiers go to @renovatebot/pep440.

import { isValidSpecifier } from './pep440.js';
import { normaliseName } from './requirement-name.js';

/** A requirement line taken apart. */
export interface ParsedRequirement {
  /** PEP 503-normalised name (`scikit-learn`), or undefined for a bare URL or path. */
  readonly name: string | undefined;
  readonly extras: readonly string[];
  /** The version specifier without spaces (`>=1.26,<2`), '' for none. */
  readonly specifier: string;
  /** `name @ URL`, a bare URL (`git+https://…`, `https://…/x.whl`) or a local path. */
  readonly url: string | undefined;
  /** The environment marker after `;`, if any. */
  readonly marker: string | undefined;
  /** What kind of thing pip is asked to install. */
  readonly kind: 'index' | 'url' | 'vcs' | 'path';
}

/** Takes a requirement line apart; a line this cannot read gives undefined. */
export function parseRequirement(text: string): ParsedRequirement | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^(git|hg|svn|bzr)\+/i.test(trimmed) || /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    // A bare URL: `git+https://…/b.git@v1#egg=b`; a marker may follow after " ;".
    const [url = '', marker] = splitMarker(trimmed, true);
    const egg = /[#&]egg=([A-Za-z0-9._-]+)/.exec(url)?.[1];
    return { name: egg ? normaliseName(egg) : undefined, extras: [], specifier: '', url, marker, kind: urlKind(url) };
  }
  // A local path: `./libs/x`, `/abs/x`, `.`, or a bare archive file name (`pkg-1.0-py3-none-any.whl`).
  if (
    /^(\.{1,2}\/|\/|\.$|\.\.$)/.test(trimmed) ||
    (!trimmed.includes('@') && /^[^\s;]+\.(whl|tar\.gz|zip)$/i.test(trimmed))
  ) {
    return { name: undefined, extras: [], specifier: '', url: trimmed, marker: undefined, kind: 'path' };
  }
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(.*)$/s.exec(trimmed);
  if (!match) return undefined;
  const [, rawName = '', extrasText, rest = ''] = match;
  const extras = (extrasText ?? '')
    .split(',')
    .map((extra) => extra.trim())
    .filter(Boolean);
  if (rest.startsWith('@')) {
    const [url = '', marker] = splitMarker(rest.slice(1).trim(), true);
    return { name: normaliseName(rawName), extras, specifier: '', url, marker, kind: urlKind(url) };
  }
  const [specifierText = '', marker] = splitMarker(rest, false);
  const specifier = specifierText.replace(/[()\s]/g, '');
  if (specifier !== '' && !(/^(===|==|!=|~=|>=|<=|>|<)/.test(specifier) && isValidSpecifier(specifier)))
    return undefined;
  return { name: normaliseName(rawName), extras, specifier, url: undefined, marker, kind: 'index' };
}

/** Writes a requirement back as one line pip reads (`torch[extra]==2.1.1+cpu ; python_version < "3.12"`). */
export function formatRequirement(
  parsed: Pick<ParsedRequirement, 'name' | 'extras' | 'specifier' | 'url' | 'marker'>,
  displayName = parsed.name,
): string {
  const extras = parsed.extras.length > 0 ? `[${parsed.extras.join(',')}]` : '';
  const what =
    parsed.url !== undefined
      ? displayName
        ? `${displayName}${extras} @ ${parsed.url}`
        : parsed.url
      : `${displayName ?? ''}${extras}${parsed.specifier}`;
  const separator = parsed.url !== undefined ? ' ; ' : '; ';
  return parsed.marker ? `${what}${separator}${parsed.marker}` : what;
}

function splitMarker(text: string, afterUrl: boolean): [string, string | undefined] {
  // After a URL, PEP 508 needs white space before ";" (a URL may hold ";").
  const index = afterUrl ? text.search(/\s;/) : text.indexOf(';');
  if (index < 0) return [text.trim(), undefined];
  const cut = afterUrl ? index + 1 : index;
  const marker = text.slice(cut + 1).trim();
  return [text.slice(0, index).trim(), marker === '' ? undefined : marker];
}

function urlKind(url: string): ParsedRequirement['kind'] {
  if (/^(git|hg|svn|bzr)\+/i.test(url)) return 'vcs';
  if (/^file:/i.test(url)) return 'path';
  return 'url';
}
