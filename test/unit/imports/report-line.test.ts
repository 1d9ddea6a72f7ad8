// The imports phase's line in an image's patch report: per role, every platform's providers, nothing when unchecked.

import { describe, expect, it } from 'vitest';
import { importsReportLines } from '../../../src/imports/report-line.js';

const check = {
  provided: {
    helpers: { 'learner linux/amd64': 'the repo', 'learner linux/arm64': 'the repo', aggregator: 'the repo' },
    mlflow: { 'learner linux/amd64': "the learner's stand-in", 'learner linux/arm64': "the learner's stand-in" },
    psutil: { 'learner linux/amd64': 'psutil 5.9.8', 'learner linux/arm64': 'psutil 6.0.0' },
    sklearn: { aggregator: 'scikit-learn 1.4.2' },
  },
  unprovided: [],
  unchecked: [],
};

describe('importsReportLines', () => {
  it("names each module the role's images import and what provides it, the platforms' providers joined", () => {
    expect(importsReportLines(check, 'learner')).toEqual([
      "imports: helpers from the repo, mlflow from the learner's stand-in, psutil from psutil 5.9.8 / psutil 6.0.0",
    ]);
    expect(importsReportLines(check, 'aggregator')).toEqual([
      'imports: helpers from the repo, sklearn from scikit-learn 1.4.2',
    ]);
  });

  it('gives nothing when the phase did not run or the role has no checked image', () => {
    expect(importsReportLines(undefined, 'learner')).toEqual([]);
    expect(importsReportLines(check, 'trainer')).toEqual([]);
  });
});
