// A package index on loopback (PEP 503 "simple" pages) serving wheels the test writes, so a test can publish a new
// release while a build runs.

import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { execa } from 'execa';
import { freePort } from './ports.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

export interface SimpleIndex {
  /** `http://127.0.0.1:port/simple` */
  readonly url: string;
  /** Writes a wheel `name-version-<tag>.whl` (pure python unless the tag says otherwise) and serves it. */
  publish(name: string, version: string, tag?: string): Promise<void>;
  /** Stops serving every wheel of `name` at `version`, as if it had never been published. */
  withdraw(name: string, version: string): Promise<void>;
  close(): Promise<void>;
}

// A wheel is a zip with the module and its dist-info; python's zipfile writes it.
const MAKE_WHEEL = `
import sys, zipfile, hashlib, base64
path, name, version, tag = sys.argv[1:5]
files = {
    f"{name}/__init__.py": f"__version__ = {version!r}\\n",
    f"{name}-{version}.dist-info/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n",
    f"{name}-{version}.dist-info/WHEEL": f"Wheel-Version: 1.0\\nGenerator: flops-test\\nRoot-Is-Purelib: {str(tag == 'py3-none-any').lower()}\\nTag: {tag}\\n",
}
def digest(text):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
record = "".join(f"{p},{digest(t)},{len(t.encode())}\\n" for p, t in files.items()) + f"{name}-{version}.dist-info/RECORD,,\\n"
with zipfile.ZipFile(path, "w") as wheel:
    for p, t in files.items():
        wheel.writestr(p, t)
    wheel.writestr(f"{name}-{version}.dist-info/RECORD", record)
`;

export async function startSimpleIndex(): Promise<SimpleIndex> {
  const dir = await makeTempDir('simple-index');
  const port = await freePort();
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = request.url ?? '/';
      const project = /^\/simple\/([^/]+)\/?$/.exec(url)?.[1];
      const file = /^\/files\/([^/]+\.whl)$/.exec(url)?.[1];
      const wheels = (await readdir(dir)).filter((name) => name.endsWith('.whl'));
      if (project !== undefined) {
        const mine = wheels.filter((name) => name.startsWith(`${project.replace(/-/g, '_')}-`));
        if (mine.length === 0) return void response.writeHead(404).end();
        const links = await Promise.all(
          mine.map(async (name) => {
            const hash = createHash('sha256')
              .update(await readFile(join(dir, name)))
              .digest('hex');
            return `<a href="/files/${name}#sha256=${hash}">${name}</a>`;
          }),
        );
        response
          .writeHead(200, { 'content-type': 'text/html' })
          .end(`<!DOCTYPE html><html><body>${links.join('\n')}</body></html>`);
      } else if (file !== undefined && wheels.includes(file)) {
        response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(await readFile(join(dir, file)));
      } else {
        response.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/simple`,
    async publish(name, version, tag = 'py3-none-any') {
      await execa('python3', ['-c', MAKE_WHEEL, join(dir, `${name}-${version}-${tag}.whl`), name, version, tag]);
    },
    async withdraw(name, version) {
      // The file names publish() writes.
      const gone = (await readdir(dir)).filter((file) => file.startsWith(`${name}-${version}-`));
      await Promise.all(gone.map((file) => rm(join(dir, file))));
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await removeTempDir(dir);
    },
  };
}
