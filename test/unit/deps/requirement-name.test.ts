import { describe, expect, it } from 'vitest';
import { requirementName } from '../../../src/deps/requirement-name.js';

describe('requirementName', () => {
  it.each<[string, string | undefined]>([
    ['numpy', 'numpy'],
    ['NumPy==1.26', 'numpy'],
    ['Flask_SQLAlchemy[extra]>=2', 'flask-sqlalchemy'],
    ['zope.interface>=5', 'zope-interface'],
    ['a__b--c..d', 'a-b-c-d'],
    ['  mlflow-skinny ; python_version < "3.12"', 'mlflow-skinny'],
    ['paho_mqtt~=2.0', 'paho-mqtt'],
    ['flwr @ https://example.com/flwr.whl', 'flwr'],
    ['torch==2.1.0      --hash=sha256:abc', 'torch'],
    ['x', 'x'],
    ['--index-url https://pypi.internal/simple', undefined],
    ['-e .', undefined],
    ['-r other.txt', undefined],
    ['https://example.com/pkg.whl', undefined],
    ['git+https://github.com/a/b.git', undefined],
    ['./local/pkg', undefined],
    ['', undefined],
  ])('%j → %j', (requirement, name) => {
    expect(requirementName(requirement)).toBe(name);
  });
});
