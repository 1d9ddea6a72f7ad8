import { describe, expect, it } from 'vitest';
import { PORT_OPTIONS, readOptions } from '../../../scripts/demo/options.mjs';

describe("the demo's options", () => {
  it('has a default for every port, each its own, and 5 rounds', () => {
    const options = readOptions([]);
    expect(Object.keys(options.ports).sort()).toEqual([...PORT_OPTIONS].sort());
    expect(new Set(Object.values(options.ports)).size).toBe(PORT_OPTIONS.length);
    expect(options).toMatchObject({ fresh: false, keep: false, rounds: 5 });
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('reads every option', () => {
    const options = readOptions(['--fresh', '--keep', '--cache', '/c', '--rounds', '2', '--registry-port', '6000']);
    expect(options).toMatchObject({ fresh: true, keep: true, cache: '/c', rounds: 2 });
    expect(options.ports['registry-port']).toBe(6000);
  });

  it.each([
    { args: ['--rounds', '0'], says: ['--rounds "0"'] },
    { args: ['--mlflow-port', '70000', '--data-port', 'x'], says: ['--mlflow-port "70000"', '--data-port "x"'] },
    { args: ['--git-port', '5073'], says: ['--git-port 5073: the same port as --registry-port'] },
    { args: ['--colour'], says: ["'--colour'"] },
    { args: ['examples/numpy-regression'], says: ['examples/numpy-regression'] },
  ])('refuses $args, naming every bad value', ({ args, says }) => {
    let message = '';
    try {
      readOptions(args);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const part of says) expect(message).toContain(part);
    expect(message).toContain('Usage: bash scripts/demo.sh');
  });
});
