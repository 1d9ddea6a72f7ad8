import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/errors.js';
import { FL_ACTORS_PLAN } from '../../../src/plans/fl-actors.js';
import { TRAINED_MODEL_PLAN } from '../../../src/plans/trained-model.js';
import { TRAINING_PLAN } from '../../../src/plans/training.js';
import { type PhaseRow, PLAN_PHASES } from '../../../src/tables/phase-table.js';

const rows: PhaseRow[] = Object.values(PLAN_PHASES).flat();

describe('the phase table', () => {
  it('gives a phase the same exit code and time limit in every plan it is part of', () => {
    for (const row of rows) {
      const same = rows.filter((other) => other.name === row.name);
      expect(same.every((other) => other.exitCode === row.exitCode && other.timeoutS === row.timeoutS)).toBe(true);
    }
  });

  it('gives phases of different names different exit codes, none shared with the other codes', () => {
    const byName = new Map(rows.map((row) => [row.name, row.exitCode]));
    const codes = [...byName.values(), ...Object.values(EXIT_CODES)];
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each([FL_ACTORS_PLAN, TRAINED_MODEL_PLAN, TRAINING_PLAN])(
    'has a module for every phase of the $name plan, and no module beyond the table',
    (plan) => {
      expect(Object.keys(plan.phases).sort()).toEqual([...plan.order].sort());
      expect(plan.order).toEqual(PLAN_PHASES[plan.name].map((row) => row.name));
    },
  );
});
