// Prints the compressed size (the sum of its layers' blobs) of the linux/amd64 learner and aggregator images, the
// job's and the hand-written build's (scripts/hand-written-build.sh), as one JSON object in MB.
// Arguments: the job's result file, and the registry (host:port, plain HTTP) the hand-written images went to.
import { readFileSync } from 'node:fs';

const [resultFile, handRegistry] = process.argv.slice(2);
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The manifest of `registry/repository` at `reference` for linux/amd64 (through an index when there is one). */
async function amd64Manifest(registry, repository, reference) {
  const response = await fetch(`http://${registry}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: ACCEPT },
  });
  if (!response.ok) throw new Error(`${registry}/${repository}:${reference}: HTTP ${response.status}`);
  const body = await response.json();
  if (body.manifests === undefined) return body;
  const entry = body.manifests.find((item) => item.platform?.architecture === 'amd64');
  if (entry === undefined) throw new Error(`${registry}/${repository}:${reference} has no linux/amd64 image`);
  return amd64Manifest(registry, repository, entry.digest);
}

/** Megabytes of an image's layers as stored (compressed), for `registry/repository:tag` or `…@digest`. */
async function compressedMb(image) {
  const [registry, ...rest] = image.split('/');
  const path = rest.join('/');
  const at = path.includes('@') ? path.indexOf('@') : path.lastIndexOf(':');
  const manifest = await amd64Manifest(registry, path.slice(0, at), path.slice(at + 1));
  const bytes = manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
  return +(bytes / 1e6).toFixed(1);
}

const result = JSON.parse(readFileSync(resultFile, 'utf8'));
const sizes = {};
for (const role of ['learner', 'aggregator']) {
  const { reference, digest } = result[`${role}_image`];
  const job = await compressedMb(`${reference.replace(/:[^:/]*$/, '')}@${digest}`);
  const hand = await compressedMb(`${handRegistry}/hand/${role}:bench`);
  sizes[role] = { job_mb: job, hand_written_mb: hand, ratio: +(job / hand).toFixed(2) };
}
console.log(JSON.stringify(sizes));
