import { describe, expect, it } from 'vitest';
import { parseModelRef, registeredModelTag } from '../../../src/config/model-ref.js';
import { artifactPath } from '../../../src/phases/fetch-model.js';
import { problems, runAny } from '../../helpers/load-config.js';

const TRAINED = ['http://registry:5000', 'p', 'broker', 'obs', 'trained_model', 'Admin', 'http://mlflow:5000'];

describe('parseModelRef', () => {
  it('reads a run id as no registered model', () => {
    expect(parseModelRef('98afa654c6b441cb95b8185be5856163')).toBeUndefined();
  });

  it.each([
    ['models:/Digits Model/3', { name: 'Digits Model', version: '3' }, 'digits-model-v3'],
    ['models:/fraud_detector.v2/12', { name: 'fraud_detector.v2', version: '12' }, 'fraud_detector.v2-v12'],
  ])('reads %j as a version, tagged %j', (text, model, tag) => {
    expect(parseModelRef(text)).toEqual(model);
    expect(registeredModelTag(model)).toBe(tag);
  });

  it.each([
    ['models:/digits@champion', 'aliases'],
    ['models:/digits/Production', 'stages'],
    ['models:/digits/Staging', 'stages'],
    ['models:/digits/latest', 'stages'],
    ['models:/digits/0', 'stages'],
    ['models:/digits', 'models:/<name>/<version>'],
    ['models://3', 'models:/<name>/<version>'],
    ['models:/a/b/3', 'models:/<name>/<version>'],
    [`models:/${'x'.repeat(130)}/1`, '128'],
    ['models:/Ünïcode/1', 'start with'],
    ['run id with spaces', 'run id'],
  ])('refuses %j, saying %j', (text, says) => {
    expect(parseModelRef(text)).toEqual({ problem: expect.stringContaining(says) });
  });
});

describe('trained_model with a registered model', () => {
  it('tags the image <name>-v<version> and keeps run_id as given', () => {
    const config = runAny([...TRAINED, 'models:/Digits Model/3']);
    expect(config).toMatchObject({
      runId: 'models:/Digits Model/3',
      registeredModel: { name: 'Digits Model', version: '3' },
      imageTag: 'digits-model-v3',
    });
  });

  it('tags a run by its id', () => {
    expect(runAny([...TRAINED, 'a1b2c3'])).toMatchObject({ registeredModel: undefined, imageTag: 'a1b2c3' });
  });

  it.each(['models:/digits@champion', 'models:/digits/Production'])('refuses %j as a usage error', (text) => {
    expect(problems([...TRAINED, text])).toEqual([expect.stringMatching(/^run_id "models:/)]);
  });
});

describe('artifactPath', () => {
  const run = { runId: 'r1', experimentId: '1', artifactUri: 's3://bucket/1/r1/artifacts', status: 'FINISHED' };
  it.each([
    ['runs:/r1/logged_model_artifact', 'logged_model_artifact'],
    ['runs:/r1/models/best/', 'models/best'],
    ['s3://bucket/1/r1/artifacts/logged_model_artifact', 'logged_model_artifact'],
    ['s3://elsewhere/model', 'logged_model_artifact'],
    ['runs:/r1/../../etc', 'logged_model_artifact'],
  ])('%j → %j', (source, path) => {
    expect(artifactPath(source, run)).toBe(path);
  });
});
