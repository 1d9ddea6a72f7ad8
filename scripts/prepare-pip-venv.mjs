// Makes the resolve phase's virtual environment (python3 -m venv plus the pinned pip) ahead of time, so that jobs do
// not pay for it: the Dockerfile runs it while building the builder image. Needs `npm run build` first.
// Usage: FLOPS_PIP_VENV=/opt/flops-pip-venv [PIP_INDEX_URL=…] [PIP_CERT=ca-bundle.pem] node scripts/prepare-pip-venv.mjs
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pipIndexFromEnv } from '../dist/tools/pip-index.js';
import { ensurePipVenv } from '../dist/tools/pip-venv.js';

const dir =
  process.env.FLOPS_PIP_VENV ||
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'flops-image-builder', 'pip-venv');
const passed = /^(PATH|HOME|LANG|TMPDIR|SSL_CERT_FILE|SSL_CERT_DIR|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy)$/;
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name, value]) => passed.test(name) && value !== undefined),
);
// Credentials in an index URL would need a netrc; an image build has none to give, so only the URLs are used.
const { index } = pipIndexFromEnv(
  Object.fromEntries(
    ['PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_TRUSTED_HOST'].flatMap((name) =>
      process.env[name] ? [[name, process.env[name]]] : [],
    ),
  ),
);
const venv = await ensurePipVenv({
  dir,
  env,
  index,
  certFile: process.env.PIP_CERT || undefined,
  timeoutMs: 300_000,
  signal: new AbortController().signal,
});
process.stdout.write(`${venv.created ? 'made' : 'kept'} ${dir} with pip ${venv.pipVersion}\n`);
