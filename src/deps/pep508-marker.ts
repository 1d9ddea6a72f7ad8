// PEP 508 environment markers (`python_version < "3.12" and platform_machine == "x86_64"`), evaluated for the image.
// Hand-written because npm has no maintained PEP 508 parser; version comparisons go to @renovatebot/pep440.

import { satisfies } from './pep440.js';
import { newestPatch } from './python-version.js';

/** The target the images are built for, as PEP 508 markers see it. */
export interface MarkerEnvironment {
  /** `3.11` */
  readonly python: string;
  /** `x86_64`, `aarch64` */
  readonly machine: string;
}

/**
 * Evaluates an environment marker for the image's python on Linux: true or false, or undefined
 * when the marker cannot be read (then the requirement is taken as applying, the careful choice).
 * `extra` is '': the images install no extras of the repo itself.
 */
export function evaluateMarker(marker: string, target: MarkerEnvironment): boolean | undefined {
  const variables: Record<string, string> = {
    python_version: target.python,
    // The slim images carry the newest patch release of their minor; which one is not known here.
    python_full_version: newestPatch(target.python),
    implementation_version: newestPatch(target.python),
    os_name: 'posix',
    sys_platform: 'linux',
    platform_system: 'Linux',
    platform_machine: target.machine,
    platform_python_implementation: 'CPython',
    implementation_name: 'cpython',
    platform_release: '',
    platform_version: '',
    extra: '',
  };
  try {
    const tokens = tokenize(marker);
    const parser = new MarkerParser(tokens, variables);
    const value = parser.expression();
    return parser.atEnd() ? value : undefined;
  } catch {
    return undefined;
  }
}

type Token = { kind: 'string' | 'name' | 'op' | 'paren'; text: string };

function tokenize(marker: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:("[^"]*"|'[^']*')|(not\s+in\b|in\b|and\b|or\b|===|==|!=|~=|>=|<=|<|>)|([()])|([A-Za-z_][A-Za-z0-9_.]*))/y;
  let index = 0;
  while (index < marker.length) {
    if (/^\s*$/.test(marker.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(marker);
    if (!match) throw new Error(`cannot read the marker at "${marker.slice(index)}"`);
    index = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'string', text: match[1].slice(1, -1) });
    else if (match[2] !== undefined) tokens.push({ kind: 'op', text: match[2].replace(/\s+/g, ' ') });
    else if (match[3] !== undefined) tokens.push({ kind: 'paren', text: match[3] });
    else tokens.push({ kind: 'name', text: match[4] ?? '' });
  }
  return tokens;
}

const VERSION_VARIABLES = new Set(['python_version', 'python_full_version', 'implementation_version']);

class MarkerParser {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly variables: Record<string, string>,
  ) {}

  atEnd(): boolean {
    return this.index === this.tokens.length;
  }

  expression(): boolean {
    let value = this.conjunction();
    while (this.peek('op', 'or')) {
      this.index += 1;
      const right = this.conjunction();
      value = value || right;
    }
    return value;
  }

  private conjunction(): boolean {
    let value = this.atom();
    while (this.peek('op', 'and')) {
      this.index += 1;
      const right = this.atom();
      value = value && right;
    }
    return value;
  }

  private atom(): boolean {
    if (this.peek('paren', '(')) {
      this.index += 1;
      const value = this.expression();
      if (!this.peek('paren', ')')) throw new Error('unbalanced parentheses');
      this.index += 1;
      return value;
    }
    const left = this.operand();
    const operator = this.tokens[this.index];
    if (operator?.kind !== 'op' || operator.text === 'and' || operator.text === 'or')
      throw new Error('expected a comparison');
    this.index += 1;
    const right = this.operand();
    return compareMarker(left, operator.text, right);
  }

  private operand(): { value: string; variable: string | undefined } {
    const token = this.tokens[this.index];
    this.index += 1;
    if (token?.kind === 'string') return { value: token.text, variable: undefined };
    if (token?.kind === 'name' && token.text in this.variables)
      return { value: this.variables[token.text] ?? '', variable: token.text };
    throw new Error(`unknown marker variable ${token?.text ?? '(end)'}`);
  }

  private peek(kind: Token['kind'], text: string): boolean {
    const token = this.tokens[this.index];
    return token?.kind === kind && token.text === text;
  }
}

function compareMarker(
  left: { value: string; variable: string | undefined },
  operator: string,
  right: { value: string; variable: string | undefined },
): boolean {
  if (operator === 'in') return right.value.includes(left.value);
  if (operator === 'not in') return !right.value.includes(left.value);
  const isVersion = VERSION_VARIABLES.has(left.variable ?? '') || VERSION_VARIABLES.has(right.variable ?? '');
  if (isVersion && operator !== '===') {
    // The variable's value is the version; the literal, the specifier's version.
    return left.variable !== undefined
      ? satisfies(left.value, `${operator}${right.value}`)
      : satisfies(right.value, `${mirror(operator)}${left.value}`);
  }
  switch (operator) {
    case '==':
    case '===':
      return left.value === right.value;
    case '!=':
      return left.value !== right.value;
    default:
      throw new Error(`"${operator}" compares versions only`);
  }
}

/** `"3.10" < python_version` is `python_version > "3.10"`. */
function mirror(operator: string): string {
  return ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as Record<string, string>)[operator] ?? operator;
}
