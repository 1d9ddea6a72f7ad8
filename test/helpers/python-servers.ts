// The Python servers of scripts/servers (the demo runs them too) and test/servers, run with the test venv: FLOps' ML data server (Arrow Flight) and an MLflow
// tracking server. Each prints `ready <port>` once it serves.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { type ServiceProcess, serviceEnv, spawnService } from './service-process.js';
import { waitUntilReady } from './wait.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVERS = `${ROOT}scripts/servers`;
const TEST_SERVERS = `${ROOT}test/servers`;
/** The venv scripts/install-deps.sh makes from fl-templates/requirements-test.txt. */
export const TEST_PYTHON = `${ROOT}.venv/bin/python`;

/** A server of scripts/servers, with the port it serves on. */
export interface PythonServer {
  readonly port: number;
  readonly url: string;
  readonly process: ServiceProcess;
  stop(): Promise<void>;
}

async function startServer(
  name: string,
  script: string,
  args: readonly string[],
  scheme: string,
  readyMs: number,
  extraEnv: Record<string, string> = {},
): Promise<PythonServer> {
  const env = serviceEnv({ HOME: process.env.HOME ?? '/root', ...sslEnv(), ...extraEnv });
  const child = spawnService(name, TEST_PYTHON, [`${SERVERS}/${script}`, '--port', '0', ...args], { cwd: ROOT, env });
  let port = 0;
  const printedReady = async (): Promise<boolean> => {
    port = Number(/^ready (\d+)$/m.exec(child.outputTail())?.[1] ?? 0);
    return port > 0;
  };
  await waitUntilReady(child, 'it printed "ready <port>"', printedReady, readyMs);
  return { port, url: `${scheme}://127.0.0.1:${port}`, process: child, stop: () => child.stop() };
}

/** The machine's CA settings, so that the MLflow server's first start can install its venv through the proxy. */
function sslEnv(): Record<string, string> {
  const names = ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'PIP_INDEX_URL', 'UV_INDEX_URL', 'HTTPS_PROXY', 'https_proxy'];
  return Object.fromEntries(names.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
}

/** The ML data server FLOps runs on each node, serving the parquet files of `dataDir` by tag. */
export function startFlightServer(dataDir: string): Promise<PythonServer> {
  return startServer('flight data server', 'flight_data_server.py', ['--data-dir', dataDir], 'grpc', 60_000);
}

/** A tracking server and the python of its venv, which logs models as that MLflow release does. */
export interface MlflowServer extends PythonServer {
  readonly python: string;
}

/** Where an MLflow server keeps artifacts: its own folder (default), or S3, proxied or read by clients directly. */
export interface MlflowArtifacts {
  /** An s3:// URI; `env` then needs the S3 key pair and MLFLOW_S3_ENDPOINT_URL. */
  readonly uri: string;
  /** `--no-serve-artifacts --default-artifact-root <uri>` rather than `--artifacts-destination <uri>`. */
  readonly direct: boolean;
  readonly env: Record<string, string>;
}

/**
 * An MLflow tracking server (sqlite, proxied artifacts in `dir` unless `artifacts` says otherwise; 2.22.5 unless
 * `version`) keeping its files in `dir`; the first start of a version installs it.
 */
export async function startMlflowServer(
  dir: string,
  version?: string,
  artifacts?: MlflowArtifacts,
): Promise<MlflowServer> {
  const args = ['--dir', dir, ...(version ? ['--mlflow', version] : [])];
  if (artifacts) args.push('--artifacts', artifacts.uri, ...(artifacts.direct ? ['--no-serve-artifacts'] : []));
  const server = await startServer('MLflow server', 'mlflow_server.py', args, 'http', 600_000, artifacts?.env ?? {});
  const python = /^python (\S+)$/m.exec(server.process.outputTail())?.[1] ?? '';
  return { ...server, python };
}

/** Logs an sklearn and a plain pyfunc model (test/servers/log_models.py) with the server's own MLflow; their run ids. */
export async function logModels(server: MlflowServer): Promise<{ sklearn: string; pyfunc: string }> {
  const { stdout } = await execa(server.python, [`${TEST_SERVERS}/log_models.py`, '--tracking-uri', server.url], {
    timeout: 600_000,
    env: { HOME: process.env.HOME ?? '/root', ...sslEnv() },
    extendEnv: false,
  });
  const run = (kind: string): string => new RegExp(`^${kind} ([0-9a-f]+)$`, 'm').exec(String(stdout))?.[1] ?? '';
  return { sklearn: run('sklearn'), pyfunc: run('pyfunc') };
}

/** An S3-compatible server (moto) that checks keys, with the one key pair it knows. */
export interface S3Server extends PythonServer {
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Starts moto's S3 server on a free port; the first start installs it. `anyKey`: no key check (see s3_server.py). */
export async function startS3Server(options: { readonly anyKey?: boolean } = {}): Promise<S3Server> {
  const args = options.anyKey ? ['--any-key'] : [];
  const server = await startServer('S3 server', 's3_server.py', args, 'http', 300_000);
  const [, accessKeyId = '', secretAccessKey = ''] = /^key (\S+) (\S+)$/m.exec(server.process.outputTail()) ?? [];
  return { ...server, credentials: { accessKeyId, secretAccessKey } };
}

/** Writes `rows` rows of MNIST- or CIFAR-shaped data under `tag`, as FLOps' mock data provider stores them. */
export async function makeDatasets(
  dataDir: string,
  spec: { shape: 'mnist' | 'cifar'; tag: string; rows: number },
): Promise<string[]> {
  const args = ['--data-dir', dataDir, '--shape', spec.shape, '--tag', spec.tag, '--rows', String(spec.rows)];
  const { stdout } = await execa(TEST_PYTHON, [`${TEST_SERVERS}/make_datasets.py`, ...args], { timeout: 120_000 });
  return String(stdout).trim().split('\n');
}

/** Runs python `code` with the test venv (mlflow 2.x, pandas, numpy); returns its stdout. */
export async function testPython(code: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await execa(TEST_PYTHON, ['-c', code], { timeout: 300_000, env: { ...env } });
  return String(stdout).trim();
}

/**
 * A venv in `dir` holding exactly the versions `lock` (a builder's lock file) pins of the data loader's packages
 * (datasets, pyarrow, pillow, numpy and what they need), without the ML frameworks the lock also pins.
 */
export async function lockedDataVenv(lock: string, dir: string): Promise<string> {
  const pins = [...lock.matchAll(/^([A-Za-z0-9][A-Za-z0-9._-]*==[^\s;\\]+)/gm)].map((match) => match[1]);
  await writeFile(join(dir, 'constraints.txt'), pins.map((pin) => `${pin}\n`).join(''));
  const env = { HOME: process.env.HOME ?? '/root', PATH: process.env.PATH ?? '/usr/bin:/bin', ...sslEnv() };
  const uv = (args: string[]) => execa(TEST_PYTHON, ['-m', 'uv', ...args], { env, extendEnv: false, timeout: 600_000 });
  await uv(['venv', '--quiet', '--python', TEST_PYTHON, join(dir, 'venv')]);
  const python = join(dir, 'venv', 'bin', 'python');
  const packages = ['datasets', 'pyarrow', 'pillow', 'numpy'];
  await uv(['pip', 'install', '--quiet', '--python', python, '-c', join(dir, 'constraints.txt'), ...packages]);
  return python;
}

/** Runs a fixture repo's data code (test/servers/run_data_manager.py) with `python`; what it prepared, as JSON. */
export async function runDataManager(
  python: string,
  options: { repo: string; flight: PythonServer; tag: string; stubTorch?: boolean },
): Promise<{ versions: Record<string, string>; data: unknown }> {
  const args = ['--repo', options.repo, '--flight', `127.0.0.1:${options.flight.port}`, '--tag', options.tag];
  const { stdout } = await execa(
    python,
    [`${TEST_SERVERS}/run_data_manager.py`, ...args, ...(options.stubTorch ? ['--stub-torch'] : [])],
    {
      env: { PYTHONPATH: `${ROOT}fl-templates/runtime`, HOME: process.env.HOME ?? '/root' },
      extendEnv: false,
      timeout: 300_000,
    },
  );
  return JSON.parse(String(stdout).trim().split('\n').at(-1) ?? '{}');
}
