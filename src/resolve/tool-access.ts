// How the resolve phase's pip and uv reach the index, as the build's do: the build environment's index settings
// (their credentials in a private netrc), its proxies in the environment, and the CA bundle.

import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from '../job.js';
import type { PipIndex } from '../tools/pip-args.js';
import { pipIndexFromEnv } from '../tools/pip-index.js';

/** The index, a CA bundle when --ca-cert gave one, and the environment the tools run with. */
export interface ToolAccess {
  readonly index: PipIndex;
  readonly certFile: string | undefined;
  readonly env: Readonly<Record<string, string>>;
}

// Proxies reach the tools through their environment, as in the build; index settings through argv and a netrc.
const PROXY_VARIABLES = /^(HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy)$/;
const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export async function toolAccess(job: Job): Promise<ToolAccess> {
  const { index, netrc } = pipIndexFromEnv(job.config.buildEnv);
  const env: Record<string, string> = {
    ...job.toolEnv,
    ...Object.fromEntries(Object.entries(job.config.buildEnv).filter(([name]) => PROXY_VARIABLES.test(name))),
  };
  if (netrc) {
    env.NETRC = join(job.privateDir, 'pip-netrc');
    await writeFile(env.NETRC, netrc, { mode: 0o600 });
  }
  const certFile = await caBundle(job);
  // pip takes the bundle as --cert; uv reads SSL_CERT_FILE.
  if (certFile !== undefined) env.SSL_CERT_FILE = certFile;
  // pip trusts the machine's store (truststore); uv only its own roots unless told, and a machine behind a
  // TLS-intercepting proxy trusts that proxy in its store alone.
  if (env.SSL_CERT_FILE === undefined) env.UV_SYSTEM_CERTS = '1';
  // uv locks for a python by version and platform alone: it must never fetch an interpreter.
  env.UV_PYTHON_DOWNLOADS = 'never';
  return { index, certFile, env };
}

/**
 * With --ca-cert, the machine's roots plus that CA, as the build gets the image's roots plus it; without, the tools'
 * default trust. A bundle rather than the CA alone: older pips replace their roots with `--cert`.
 */
async function caBundle(job: Job): Promise<string | undefined> {
  const extra = await readFile(job.buildSecrets.caFile, 'utf8');
  if (extra.trim() === '') return undefined;
  const roots = job.toolEnv.SSL_CERT_FILE ?? SYSTEM_CA_BUNDLE;
  const rootsText = await access(roots).then(
    () => readFile(roots, 'utf8'),
    () => '',
  );
  const bundle = join(job.privateDir, 'pip-ca.pem');
  await writeFile(bundle, `${rootsText}\n${extra}\n`, { mode: 0o600 });
  return bundle;
}
