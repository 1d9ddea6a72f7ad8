import { describe, expect, it } from 'vitest';
import { isTransientTransferError } from '../../../src/tools/transient.js';

describe('isTransientTransferError', () => {
  it.each([
    [
      'pinging container registry 127.0.0.1:5000: Get "http://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused',
      true,
    ],
    ['writing blob: Patch "http://r/v2/x/blobs/uploads/1": read tcp 1->2: read: connection reset by peer', true],
    ['reading blob: unexpected EOF', true],
    // The registry went away while buildah wrote a blob.
    [
      'writing blob: Patch "http://127.0.0.1:42285/v2/x/blobs/uploads/2": write tcp 127.0.0.1:44442->127.0.0.1:42285: use of closed network connection',
      true,
    ],
    ['received unexpected HTTP status: 503 Service Unavailable', true],
    ['net/http: TLS handshake timeout', true],
    ['toomanyrequests: too many requests', true],
    // uv reading the package index
    ['Failed to fetch: `https://pypi.org/simple/flwr/`\n  cause: Connection reset by peer (os error 104)', true],
    ['Failed to fetch: `https://pypi.org/simple/flwr/`\n  cause: operation timed out', true],
    [
      'Failed to read metadata: `https://files.pythonhosted.org/x.whl.metadata`\n  cause: error decoding response body',
      true,
    ],
    ['HTTP status server error (502 Bad Gateway) for url (https://pypi.org/simple/flwr/)', true],
    ['Failed to fetch: `https://pypi.org/simple/flwr/`\n  cause: invalid peer certificate: UnknownIssuer', false],
    ['HTTP status client error (401 Unauthorized) for url (https://private.example/simple/pkg/)', false],
    ['unable to retrieve auth token: invalid username/password: unauthorized: authentication required', false],
    ['requested access to the resource is denied', false],
    ['received unexpected HTTP status: 403 Forbidden', false],
    ['manifest invalid: manifest invalid', false],
    ['something else went wrong', false],
  ])('%s → %s', (stderr, transient) => {
    expect(isTransientTransferError(stderr)).toBe(transient);
  });
});
