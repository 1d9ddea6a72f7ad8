// Measures the resolve phase's speed goal against the real package index and prints one JSON object:
// - venv: making the builder's pip environment from nothing (jobs in the builder image skip this);
// - numpy: numpy==1.26.4 with flwr 1.42.0 and paho-mqtt 2.2.0 for python 3.11;
// - torch: torch, torchvision and numpy with the same, the heaviest common set (pip reads metadata only).
// Every run is cold: pip runs with --no-cache-dir. The goal: each set well under a minute; exits 1 over the bound.
// Usage: npm run build && node scripts/bench-resolve.mjs [runs]   (default 3 runs a set)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveSet } from '../dist/resolve/resolve-set.js';
import { DEFAULT_INDEX_URL } from '../dist/tools/pip-args.js';
import { ensurePipVenv } from '../dist/tools/pip-venv.js';

const runs = Number(process.argv[2] ?? 3);
const BOUND_SECONDS = { numpy: 30, torch: 60 };
const shim = fileURLToPath(new URL('../fl-templates/checks/pip_for_target.py', import.meta.url));
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8' };
for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'])
  if (process.env[name]) env[name] = process.env[name];
const index = { indexUrl: DEFAULT_INDEX_URL, extraIndexUrls: [], trustedHosts: [] };
const signal = new AbortController().signal;
const work = await mkdtemp(join(tmpdir(), 'flops-bench-resolve-'));

try {
  let started = performance.now();
  const venv = await ensurePipVenv({
    dir: join(work, 'venv'),
    env,
    index,
    certFile: undefined,
    timeoutMs: 300_000,
    signal,
  });
  const venvSeconds = (performance.now() - started) / 1000;
  const pip = { python: venv.python, shim, env, index, certFile: undefined, timeoutMs: 300_000, signal };
  const sets = {
    numpy: ['numpy==1.26.4'],
    torch: ['torch', 'torchvision', 'numpy'],
  };
  const result = { pip_version: venv.pipVersion, venv: { seconds: round(venvSeconds) } };
  let over = false;
  for (const [name, requirements] of Object.entries(sets)) {
    const seconds = [];
    let packages = 0;
    let torch;
    for (let run = 0; run < runs; run += 1) {
      const workDir = await mkdtemp(join(work, `${name}-`));
      started = performance.now();
      const outcome = await resolveSet(
        {
          target: { python: '3.11', architecture: 'amd64' },
          requirements,
          constraints: [],
          packages: ['flwr==1.42.0', 'paho-mqtt==2.2.0'],
          workDir,
        },
        pip,
      );
      seconds.push((performance.now() - started) / 1000);
      if (outcome.status !== 'installable') throw new Error(`${name} did not resolve: ${JSON.stringify(outcome)}`);
      packages = outcome.packages.length;
      torch = outcome.packages.find((item) => item.name === 'torch')?.version;
    }
    seconds.sort((a, b) => a - b);
    const max = seconds.at(-1);
    over ||= max > BOUND_SECONDS[name];
    result[name] = {
      runs,
      median_seconds: round(seconds[Math.floor(runs / 2)]),
      max_seconds: round(max),
      bound_seconds: BOUND_SECONDS[name],
      packages,
      ...(torch ? { torch } : {}),
    };
  }
  console.log(JSON.stringify(result, null, 2));
  if (over) {
    console.error('a set took longer than its bound');
    process.exitCode = 1;
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

function round(value) {
  return Math.round(value * 10) / 10;
}
