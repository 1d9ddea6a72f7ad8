// A plain HTTP server of one folder's files on a free loopback port, for archives downloaded over HTTP.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, normalize } from 'node:path';

/** The server, the URL of a file it serves, and how to stop it. */
export interface FileServer {
  readonly port: number;
  url(path: string): string;
  /** Paths asked for, in order. */
  readonly requests: readonly string[];
  stop(): Promise<void>;
}

/** Serves the files below `root` (404 for anything else). */
export async function startFileServer(root: string): Promise<FileServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    requests.push(path);
    const file = join(root, path);
    void stat(file)
      .then((info) => info.isFile() && !path.includes('..'))
      .catch(() => false)
      .then((found) => {
        if (!found) {
          response.writeHead(404).end('not found');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/gzip' });
        createReadStream(file).pipe(response);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}/${path.replace(/^\/+/, '')}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
