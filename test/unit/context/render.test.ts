import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/context/render.js';

describe('renderTemplate', () => {
  it.each<[string, Record<string, string>, string]>([
    ['FROM {{BASE_IMAGE}}', { BASE_IMAGE: 'reg/base:1' }, 'FROM reg/base:1'],
    ['{{A}}-{{A}}-{{B_2}}', { A: 'x', B_2: 'y' }, 'x-x-y'],
    ['no placeholders', { UNUSED: 'z' }, 'no placeholders'],
    ['{{A}}', { A: '' }, ''],
    ['{{A}}', { A: '$& $1 $$' }, '$& $1 $$'],
    ['{{A}}', { A: '{{B}}' }, '{{B}}'],
    ['{{lower}} {{ A }} {A}', {}, '{{lower}} {{ A }} {A}'],
  ])('%j with %j → %j', (template, values, rendered) => {
    expect(renderTemplate(template, values)).toBe(rendered);
  });

  it.each<[string, Record<string, string>, string[]]>([
    ['FROM {{BASE_IMAGE}}', {}, ['BASE_IMAGE']],
    ['{{A}} {{B}} {{A}} {{C}}', { B: 'b' }, ['A', 'C']],
  ])('%j with %j throws naming %j', (template, values, missing) => {
    let message = '';
    try {
      renderTemplate(template, values);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(missing.filter((name) => message.includes(name))).toEqual(missing);
    expect(Object.keys(values).filter((name) => message.includes(name))).toEqual([]);
  });
});
