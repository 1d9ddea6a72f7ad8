// The demo's steps: the builder run with the manager's command lines, training from the pushed images with the
// manager's SLA command lines, and the trained model served and asked about the held-out digits.
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

const ROOT = new URL('../../', import.meta.url).pathname;
// Fixed identity and dates: the same example files make the same commit, so a second run finds its images.
const COMMIT_ENV = {
  GIT_AUTHOR_NAME: 'FLOps demo',
  GIT_AUTHOR_EMAIL: 'demo@localhost',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'FLOps demo',
  GIT_COMMITTER_EMAIL: 'demo@localhost',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

/** Commits `source` as the bare repo `<base>/<name>.git`; returns the commit. */
export async function commitExample(source, work, base, name) {
  const tree = join(work, 'example');
  await rm(tree, { recursive: true, force: true });
  await cp(source, tree, { recursive: true });
  const git = (args, cwd = tree) => execa('git', args, { cwd, env: COMMIT_ENV });
  await git(['init', '-q', '-b', 'main']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'digits-sklearn: the FLOps demo example']);
  const bare = join(base, `${name}.git`);
  await rm(bare, { recursive: true, force: true });
  await mkdir(join(bare, '..'), { recursive: true });
  await git(['clone', '-q', '--bare', tree, bare], work);
  return (await git(['rev-parse', 'HEAD'])).stdout.trim();
}

/** One builder job with the manager's command line (`python3 main.py` as its image runs it); returns its result. */
export async function runBuilder(context, name, tail, signal) {
  const result = join(context.runDir, `${name}.result.json`);
  const args = [
    'python3',
    'main.py',
    context.registryUrl,
    context.project,
    context.mqtt,
    context.observer,
    '--supported_platforms=linux/amd64',
    '--base-image',
    context.baseImage,
    '--result-file',
    result,
    ...(process.env.SSL_CERT_FILE ? ['--ca-cert', process.env.SSL_CERT_FILE] : []),
    ...tail,
  ];
  const log = join(context.logDir, `${name}.log`);
  const run = await execa(join(ROOT, 'bin/flops-image-builder'), args, {
    reject: false,
    stdout: { file: log },
    stderr: { file: log },
    cancelSignal: signal,
  });
  const outcome = JSON.parse(await readFile(result, 'utf8').catch(() => '{}'));
  if (run.exitCode !== 0 || outcome.status !== 'success') {
    throw new Error(`the ${name} build failed (exit ${run.exitCode}): ${outcome.error_msg ?? 'no result'}; see ${log}`);
  }
  return outcome;
}

export async function pull(ref) {
  await execa('buildah', ['pull', '--quiet', '--tls-verify=false', ref]);
}

/**
 * One aggregator and two learners, each started with the manager's SLA command line; resolves with the aggregator's
 * success payload once it ends. The learners wait for it as upstream's do, and are ended when it is done.
 */
export async function train(context, { learnerImage, aggregatorImage, tags, rounds }) {
  const { processes, mqtt, observer, project } = context;
  const aggregatorAddress = `127.0.0.1:${context.ports['aggregator-port']}`;
  const learners = [];
  for (const [index, tag] of tags.entries()) {
    const command = ['python', 'main.py', project, mqtt, observer, aggregatorAddress, tag];
    const env = { ML_DATA_SERVER_IP: context.dataServer, FLOPS_RETRY_INTERVAL: '1' };
    learners.push(await processes.inImage(`learner-${index + 1}`, learnerImage, command, env));
  }
  const command = ['python', 'main.py', project, mqtt, observer, context.mlflowUrl, 'CLASSIC_AGGREGATOR'];
  const counts = [String(rounds), String(tags.length), String(tags.length), String(tags.length)];
  const aggregator = await processes.inImage('aggregator', aggregatorImage, [
    ...command,
    ...counts,
    '--port',
    String(context.ports['aggregator-port']),
  ]);
  const exitCode = await Promise.race([
    aggregator.finished,
    ...learners.map((learner) => learner.finished.then((code) => Promise.reject(learnerEnded(learner, code)))),
  ]);
  if (exitCode !== 0) throw new Error(`the aggregator failed (exit ${exitCode}); see ${aggregator.log}`);
  const success = await context.messages.waitFor(
    (m) => m.topic === 'flops_manager/aggregator/success' && m.json?.flops_project_id === project,
    30_000,
  );
  // In the manager's form a learner waits for the next session until it is stopped.
  for (const learner of learners) await processes.terminate(learner);
  return success.json;
}

function learnerEnded(learner, code) {
  return new Error(`${learner.name} ended during training (exit ${code}); see ${learner.log}`);
}

/** Starts the model image's own entrypoint on the serve port and waits until it answers /ping. */
export async function serve(context, image) {
  const { stdout } = await execa('buildah', ['inspect', '--type', 'image', image]);
  const entrypoint = JSON.parse(stdout).OCIv1?.config?.Entrypoint ?? [];
  const port = String(context.ports['serve-port']);
  // The image's own command, on the demo's port and on loopback only (its default is 0.0.0.0:8080).
  const swap = { '--port': port, '--host': '127.0.0.1' };
  const command = entrypoint.map((arg, at) => swap[entrypoint[at - 1]] ?? arg);
  const server = await context.processes.inImage('model-server', image, command);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  let ended;
  void server.finished.then((code) => {
    ended = code;
  });
  while (Date.now() < deadline) {
    if (ended !== undefined) throw new Error(`the model server ended (exit ${ended}); see ${server.log}`);
    if (
      await fetch(`${base}/ping`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return base;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the model server did not answer ${base}/ping within 300 s; see ${server.log}`);
}

/** Asks the scoring server about the held-out digits; returns the predictions beside the true labels. */
export async function predict(base, heldOut) {
  const response = await fetch(`${base}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: heldOut.inputs }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`the model server answered ${response.status}: ${text.slice(0, 500)}`);
  const predictions = JSON.parse(text).predictions.map(Number);
  const right = predictions.filter((value, at) => value === heldOut.labels[at]).length;
  return { predictions, labels: heldOut.labels, accuracy: right / heldOut.labels.length };
}

/** The compressed size of an image in the registry: its linux/amd64 manifest's layers and config. */
export async function compressedBytes(registryUrl, reference) {
  const at = reference.indexOf('/');
  const [repo, tag] = reference.slice(at + 1).split(':');
  const accept = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
  ].join(', ');
  const get = (ref) =>
    fetch(`${registryUrl}/v2/${repo}/manifests/${ref}`, { headers: { accept } }).then((r) => r.json());
  let manifest = await get(tag);
  if (manifest.manifests) {
    const amd64 = manifest.manifests.find((m) => m.platform?.architecture === 'amd64') ?? manifest.manifests[0];
    manifest = await get(amd64.digest);
  }
  return (manifest.layers ?? []).reduce((sum, layer) => sum + layer.size, manifest.config?.size ?? 0);
}
