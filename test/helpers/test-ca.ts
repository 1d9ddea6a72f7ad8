// A throwaway CA certificate, unique per run, so a test can prove it never lands in an image layer.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/** The machine's CA bundle (with the TLS-intercepting proxy's CA): what the tests give builds as `--ca-cert`. */
export const MACHINE_CA_BUNDLE = process.env.SSL_CERT_FILE ?? '/etc/ssl/certs/ca-certificates.crt';

/** Writes `<dir>/ca-bundle.pem` = the machine's CA bundle + a fresh self-signed certificate; returns the path and a line unique to that certificate. */
export async function makeCaBundle(dir: string): Promise<{ path: string; marker: string }> {
  const key = join(dir, 'marker.key');
  const cert = join(dir, 'marker.crt');
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    `/CN=flops-test-marker-${Date.now()}`,
  ]);
  const machineBundle = await readFile(MACHINE_CA_BUNDLE, 'utf8');
  const markerPem = await readFile(cert, 'utf8');
  // The middle of the base64 body is unique to this certificate.
  const bodyLines = markerPem.split('\n').filter((line) => line && !line.startsWith('-----'));
  const path = join(dir, 'ca-bundle.pem');
  await writeFile(path, `${machineBundle}\n${markerPem}`);
  return { path, marker: bodyLines[Math.floor(bodyLines.length / 2)] ?? '' };
}
