import { describe, expect, it } from 'vitest';
import { hideInValue, secretHider } from '../../../src/report/hide-secrets.js';

const M = '[REDACTED]';

describe('secretHider', () => {
  it.each<[string[], string, string]>([
    [['tok-123'], 'using tok-123 twice: tok-123', `using ${M} twice: ${M}`],
    [['abc', 'abcdef'], 'x abcdef y abc', `x ${M} y ${M}`],
    [['abcdef', 'abc'], 'x abcdef y abc', `x ${M} y ${M}`],
    [['a.b*c'], 'a.b*c aXbbc', `${M} aXbbc`],
    [['(x)|[y]'], 'p (x)|[y] q', `p ${M} q`],
    [['', 'tok'], 'tok stays hidden; empty secrets are ignored', `${M} stays hidden; empty secrets are ignored`],
    [[], 'git clone https://user:pw@host/a/b failed', `git clone https://${M}@host/a/b failed`],
    [[], 'ssh://git@host/a and HTTP://t@h/x', `ssh://${M}@host/a and HTTP://${M}@h/x`],
    [[], 'https://host/path?mail=a@b stays', 'https://host/path?mail=a@b stays'],
    [[], 'nothing secret', 'nothing secret'],
  ])('%j: %j → %j', (secrets, text, hidden) => {
    expect(secretHider(secrets)(text)).toBe(hidden);
  });

  it('masks a secret that contains a shorter one as a whole', () => {
    const hide = secretHider(['pass', 'password-123']);
    expect(hide('password-123')).toBe(M);
  });
});

describe('hideInValue', () => {
  it('hides every string, however deep, and keeps every other value', () => {
    const hide = secretHider(['tok']);
    const value = { a: 'tok', b: ['x tok', { c: 'tok', n: 1, t: true, z: null }], u: undefined, keep: 'plain' };
    expect(hideInValue(value, hide)).toEqual({
      a: M,
      b: [`x ${M}`, { c: M, n: 1, t: true, z: null }],
      u: undefined,
      keep: 'plain',
    });
  });

  it('does not change the value it was given', () => {
    const value = { a: ['tok'] };
    hideInValue(value, secretHider(['tok']));
    expect(value).toEqual({ a: ['tok'] });
  });

  it.each([[42], [null], [true], [undefined]])('returns %j unchanged', (value) => {
    expect(hideInValue(value, secretHider(['42']))).toBe(value);
  });
});
