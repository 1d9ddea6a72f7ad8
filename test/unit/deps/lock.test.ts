import { describe, expect, it } from 'vitest';
import { differences, lockDigest, pins, readLock, without } from '../../../src/deps/lock.js';

const WHOLE = `alembic==1.20.1 \\
    --hash=sha256:aa \\
    --hash=sha256:bb
flwr==1.42.0 \\
    --hash=sha256:cc
mlflow==2.22.0 \\
    --hash=sha256:dd
numpy==1.26.4 \\
    --hash=sha256:ee
`;
const BASE = 'flwr==1.42.0 \\\n    --hash=sha256:cc\nnumpy==1.26.4 \\\n    --hash=sha256:ee\n';

describe('a lock', () => {
  it('reads the packages of a uv lock with hashes', () => {
    expect(readLock(WHOLE).packages).toEqual([
      { name: 'alembic', version: '1.20.1' },
      { name: 'flwr', version: '1.42.0' },
      { name: 'mlflow', version: '2.22.0' },
      { name: 'numpy', version: '1.26.4' },
    ]);
  });

  it('keeps, without the base set, the other packages with their hashes: the aggregator’s own layer', () => {
    const extras = without(readLock(WHOLE), readLock(BASE));
    expect(extras.text).toBe(
      'alembic==1.20.1 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\nmlflow==2.22.0 \\\n    --hash=sha256:dd\n',
    );
  });

  it('gives its versions as constraints, and what another lock pins otherwise', () => {
    expect(pins(readLock(BASE))).toEqual(['flwr==1.42.0', 'numpy==1.26.4']);
    const other = readLock('flwr==1.42.0 \\\n    --hash=sha256:cc\nnumpy==2.0.1 \\\n    --hash=sha256:ff\n');
    expect(differences(readLock(BASE), other)).toEqual(['numpy 1.26.4 → 2.0.1']);
  });

  it('has a digest that changes with any byte', () => {
    expect(lockDigest(readLock(BASE))).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(lockDigest(readLock(BASE))).not.toBe(lockDigest(readLock(`${BASE}\n`)));
  });
});
