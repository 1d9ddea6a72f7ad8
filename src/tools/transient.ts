// Which failures of a transfer (a registry push, a read of the package index) are worth another try: the network
// and the server, not our request.

// Refused credentials or a refused name stay refused, however often we ask.
const PERMANENT =
  /\b(401|403)\b|unauthorized|authentication required|denied|forbidden|manifest invalid|name invalid|name unknown|blob unknown to registry|no such image|image not known|invalid reference format/i;
const TRANSIENT =
  /connection refused|connection reset|use of closed network connection|broken pipe|\bEOF\b|i\/o timeout|timeout|timed out|TLS handshake|no route to host|network is unreachable|temporary failure|too many requests|\b(429|500|502|503|504)\b|service unavailable|bad gateway|server misbehaving|unexpected EOF|connection closed|error decoding response body/i;

/** True when a tool's error text (buildah's, uv's) says the server or the network failed for now, not that it refused us. */
export function isTransientTransferError(stderr: string): boolean {
  return !PERMANENT.test(stderr) && TRANSIENT.test(stderr);
}
