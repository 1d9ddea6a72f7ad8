import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient, type MlflowRun } from '../../../src/tools/mlflow-api.js';

// MLflow 3's answers for a run whose model is a LoggedModel (shapes as a 3.17.2 server gives them); the integration
// test (mlflow-models.test.ts) serves models from real 2.x and 3.x servers.
const RUN: MlflowRun = { runId: 'r1', experimentId: '7', artifactUri: 'mlflow-artifacts:/7/r1/artifacts', status: '' };
const MODELS = [
  { model_id: 'm-old', name: 'logged_model_artifact', source_run_id: 'r1', creation_timestamp_ms: 1 },
  { model_id: 'm-new', name: 'logged_model_artifact', source_run_id: 'r1', creation_timestamp_ms: 2 },
  { model_id: 'm-other', name: 'other', source_run_id: 'r1', creation_timestamp_ms: 3 },
];

describe('MlflowClient and MLflow 3 LoggedModels', () => {
  let server: Server;
  let base: URL;
  let v2 = false;
  const searches: unknown[] = [];

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const url = new URL(request.url ?? '', 'http://x');
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (url.pathname === '/api/2.0/mlflow/logged-models/search' && request.method === 'POST') {
        if (v2) return send(404, '<html>Not Found</html>');
        searches.push(JSON.parse(await body(request)));
        return send(200, { models: MODELS.map((info) => ({ info })) });
      }
      const dirs = '/ajax-api/2.0/mlflow/logged-models/m-new/artifacts/directories';
      if (url.pathname === dirs && !url.searchParams.has('artifact_directory_path')) {
        return send(200, {
          files: [
            { path: 'MLmodel', is_dir: false, file_size: 3 },
            { path: 'data', is_dir: true },
          ],
        });
      }
      if (url.pathname === dirs && url.searchParams.get('artifact_directory_path') === 'data') {
        return send(200, { files: [{ path: 'data/model.pkl', is_dir: false, file_size: 4 }] });
      }
      if (url.pathname === '/ajax-api/2.0/mlflow/logged-models/m-new/artifacts/files') {
        response.writeHead(200);
        return response.end(`bytes of ${url.searchParams.get('artifact_file_path')}`);
      }
      send(404, { error_code: 'RESOURCE_DOES_NOT_EXIST' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = new URL(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const client = () => new MlflowClient(base, undefined, new AbortController().signal, 5_000);

  it('finds the newest LoggedModel of that name whose source run is the run, asking the server by both', async () => {
    expect(await client().findLoggedModel(RUN, 'logged_model_artifact')).toBe('m-new');
    expect(searches.at(-1)).toEqual({
      experiment_ids: ['7'],
      filter: "name = 'logged_model_artifact' AND source_run_id = 'r1'",
    });
  });

  it('finds none on an MLflow 2 server, which has no LoggedModels', async () => {
    v2 = true;
    try {
      expect(await client().findLoggedModel(RUN, 'logged_model_artifact')).toBeUndefined();
    } finally {
      v2 = false;
    }
  });

  it("lists the model's files through its folders and writes each at its path", async () => {
    const files = await client().listLoggedModelFiles('m-new');
    expect(files).toEqual([
      { path: 'MLmodel', bytes: 3 },
      { path: 'data/model.pkl', bytes: 4 },
    ]);
    const dir = await mkdtemp(join(tmpdir(), 'mlflow-api-'));
    try {
      for (const file of files) await client().downloadLoggedModelFile('m-new', file, dir);
      expect(await readFile(join(dir, 'data/model.pkl'), 'utf8')).toBe('bytes of data/model.pkl');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => resolve(text));
  });
}
