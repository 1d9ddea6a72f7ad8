// --label KEY=VALUE: the user's labels, checked so that they cannot pass for (or replace) the builder's own.

import { LABELS } from '../images/labels.js';

// A label key as OCI annotations and Docker write them: reverse-DNS-like, no spaces.
const KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;
// The builder's own keys: they decide reuse and say what an image holds.
const RESERVED_PREFIX = 'io.flops.';
const RESERVED: ReadonlySet<string> = new Set(Object.values(LABELS));
const MAX_VALUE = 1024;

/** The labels of repeated `--label KEY=VALUE`; each bad one is a problem naming it. */
export function parseLabels(
  given: string | boolean | readonly string[] | undefined,
  problems: string[],
): Readonly<Record<string, string>> {
  const labels: Record<string, string> = {};
  for (const text of Array.isArray(given) ? (given as readonly string[]) : []) {
    const at = text.indexOf('=');
    const key = at < 0 ? text : text.slice(0, at);
    const value = at < 0 ? '' : text.slice(at + 1);
    if (at < 0 || !KEY.test(key)) {
      problems.push(`--label "${text}": expected KEY=VALUE, KEY of letters, digits, ".", "_", "-" or "/"`);
    } else if (key.startsWith(RESERVED_PREFIX) || RESERVED.has(key)) {
      problems.push(`--label "${text}": ${key} is the builder's own label; choose another key`);
    } else if (value.length > MAX_VALUE || /[\r\n]/.test(value)) {
      problems.push(`--label "${text}": the value must be one line of at most ${MAX_VALUE} characters`);
    } else {
      labels[key] = value;
    }
  }
  return labels;
}
