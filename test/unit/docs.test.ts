// The docs against the code: the exit-code table, the options operating.md explains, the README's size (issue 11: what a
// newcomer needs in the first hour), and every relative link.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config/options.js';
import { EXIT_CODES, PHASE_EXIT_CODES } from '../../src/errors.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = join(ROOT, 'README.md');
const DOCS = join(ROOT, 'docs');
const OPERATING = join(DOCS, 'operating.md');
const README_MAX_BYTES = 10_240;

const DOC_FILES = [
  README,
  ...readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(DOCS, name)),
];

const read = (file: string): string => readFileSync(file, 'utf8');
const shown = (file: string): string => relative(ROOT, file);
/** The text without fenced code blocks and inline code, where brackets and `#` mean something else. */
const prose = (text: string): string => text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');

/** Every table whose header begins `| exit code | name |`, as `[name, code]` rows in the order written. */
function exitCodeTables(text: string): [string, number][][] {
  const tables: [string, number][][] = [];
  let rows: [string, number][] | undefined;
  for (const line of text.split('\n')) {
    if (/^\|\s*exit code\s*\|\s*name\s*\|/i.test(line)) {
      rows = [];
      tables.push(rows);
    } else if (rows !== undefined && /^\|[\s|:-]+\|$/.test(line.trim())) {
      // The header's separator row.
    } else if (rows !== undefined && line.startsWith('|')) {
      const [code = '', name = ''] = line
        .split('|')
        .slice(1, 3)
        .map((cell) => cell.trim());
      // A row that does not read as `| 10 | \`clone\` |` stays in the table, so the comparison shows it.
      rows.push([/^`(\w+)`$/.exec(name)?.[1] ?? name, /^\d+$/.test(code) ? Number(code) : Number.NaN]);
    } else {
      rows = undefined;
    }
  }
  return tables;
}

/** Every exit code the builder has, by name: the phases' and the others. */
const CODE_EXIT_CODES = Object.entries({ ...EXIT_CODES, ...PHASE_EXIT_CODES }).sort(([a], [b]) => a.localeCompare(b));
const byName = (rows: [string, number][]): [string, number][] => [...rows].sort(([a], [b]) => a.localeCompare(b));

describe('the exit-code table', () => {
  it('in the README lists every exit code of the code with its number, and nothing else', () => {
    const tables = exitCodeTables(read(README));
    expect(tables).toHaveLength(1);
    expect(byName(tables[0] ?? [])).toEqual(CODE_EXIT_CODES);
  });

  it('in operating.md, where there is one, lists the same', () => {
    for (const table of exitCodeTables(read(OPERATING))) expect(byName(table)).toEqual(CODE_EXIT_CODES);
  });

  it('reads the table as written: a missing, an extra and a renumbered row each differ', () => {
    const table = '| exit code | name | when |\n|---|---|---|\n| 0 | `success` | done |\n| 2 | `usage` | bad |\n';
    expect(exitCodeTables(table)).toEqual([
      [
        ['success', 0],
        ['usage', 2],
      ],
    ]);
    expect(exitCodeTables('| exit code | name |\n|---|---|\n| x | clone |\n\ntext\n| 1 | `internal` |')).toEqual([
      [['clone', Number.NaN]],
    ]);
  });
});

describe('operating.md', () => {
  it('explains every option of the options table', () => {
    const text = read(OPERATING);
    const missing = OPTIONS.map((option) => `--${option.name}`).filter(
      (spelled) => !new RegExp(`${spelled}(?![A-Za-z0-9-])`).test(text),
    );
    expect(missing).toEqual([]);
  });
});

describe('the README', () => {
  it(`is at most ${README_MAX_BYTES} bytes`, () => {
    expect(statSync(README).size).toBeLessThanOrEqual(README_MAX_BYTES);
  });
});

/** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as `-`, repeats numbered. */
function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading = ''] of prose(text).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Relative link targets of a Markdown file (inline and reference style), outside code. */
function relativeLinks(text: string): string[] {
  const inline = [...prose(text).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1] ?? '');
  const reference = [...prose(text).matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((match) => match[1] ?? '');
  return [...inline, ...reference].filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('the relative links of the README and docs/', () => {
  it.each(DOC_FILES.map((file) => [shown(file), file]))(
    '%s: every one leads to a file, and to its heading',
    (_, file) => {
      const broken = relativeLinks(read(file)).filter((target) => {
        const [path = '', anchor] = target.split('#');
        const destination = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
        if (!existsSync(destination)) return true;
        if (anchor === undefined || !destination.endsWith('.md')) return false;
        return !headingAnchors(read(destination)).has(anchor);
      });
      expect(broken).toEqual([]);
    },
  );
});
