// The FLOps loop on one machine (scripts/demo.sh runs this after installing what is missing): embedded services on
// loopback, then 1. build the example's learner and aggregator, 2. train with them, 3. build and serve the trained
// model and ask it about held-out digits, 4. a summary with a plot. Every process and container it started is
// stopped and removed at the end, on failure and on Ctrl-C, unless --keep leaves the services running.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { readOptions, usage } from './options.mjs';
import { Processes } from './processes.mjs';
import {
  busyPorts,
  recordMqtt,
  startDataServer,
  startGitDaemon,
  startMlflow,
  startMosquitto,
  startObserver,
  startRegistry,
} from './services.mjs';
import { commitExample, compressedBytes, predict, pull, runBuilder, serve, train } from './steps.mjs';
import { buildSummary, seconds, summaryLines, writeSummary } from './summary.mjs';
import { emptyCache, makeLocalBase, pushBase, toolPython } from './tools.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const PROJECT = 'flops-demo';
const TAGS = ['digits-a', 'digits-b'];
const MIN_ACCURACY = 0.85;
const WIDTH = 220;
const say = (text) => process.stdout.write(`${text}\n`);
const step = (text) => say(`\n== ${text}`);

async function main(argv) {
  let options;
  try {
    options = readOptions(argv);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  if (options.help) {
    say(usage());
    return 0;
  }
  // Busy ports are named before anything starts.
  const busy = await busyPorts(options.ports);
  if (busy.length > 0) {
    process.stderr.write(
      `${busy.join('\n')}\nStop what uses them, or give the demo other ports with the options named.\n`,
    );
    return 2;
  }
  const registryHostPort = `127.0.0.1:${options.ports['registry-port']}`;
  if (options.fresh) {
    say(`Emptying the cache folder ${options.cache}`);
    await emptyCache(options.cache, registryHostPort);
  }
  const runDir = join(options.cache, 'runs', new Date().toISOString().replace(/[:.]/g, '-'));
  const logDir = join(runDir, 'logs');
  await mkdir(logDir, { recursive: true });
  say(`Cache folder: ${options.cache} (--fresh empties it); this run's files: ${runDir}`);

  const processes = new Processes(logDir, options.keep);
  const controller = new AbortController();
  let interrupted;
  const cancelled = new Promise((_, reject) => {
    const onSignal = (signal) => {
      if (interrupted) return;
      interrupted = signal;
      controller.abort();
      reject(new Error(`cancelled by ${signal}`));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  cancelled.catch(() => undefined);
  const untilCancelled = (promise) => Promise.race([promise, cancelled]);
  const context = { processes, project: PROJECT, runDir, logDir, ports: options.ports, signal: controller.signal };
  let observer;
  let messages;
  const started = Date.now();
  const steps = {};
  const timed = async (name, work) => {
    const at = Date.now();
    const result = await untilCancelled(work());
    steps[name] = seconds(Date.now() - at);
    return result;
  };
  const rounds = [];
  const mlflowUrl = `http://127.0.0.1:${options.ports['mlflow-port']}`;
  let mlflowStarting;
  try {
    step('0/4 Starting the services on 127.0.0.1: mosquitto, a registry, an observer, MLflow, the ML data server');
    await timed('services', async () => {
      // The base image is made beside everything else: the first time, it takes the longest.
      const making = makeLocalBase(options.cache, say);
      making.catch(() => undefined);
      const python = await toolPython(options.cache, say);
      context.python = python;
      observer = await startObserver(options.ports['observer-port'], (line) => {
        // The full text is in the builder's and the images' logs: a long message is shortened here.
        const [first, ...more] = line.split('\n');
        const shown = first.length > WIDTH ? `${first.slice(0, WIDTH)}…` : first;
        say(`   observer | ${shown}${more.length > 0 ? ` (+${more.length} lines)` : ''}`);
        const round = /aggregator: round (\d+)\/\d+ done: loss ([^,]+), accuracy (\S+)/.exec(line);
        if (round) rounds.push({ round: Number(round[1]), loss: Number(round[2]), accuracy: Number(round[3]) });
      });
      context.observer = observer.address;
      context.mqtt = await startMosquitto(processes, runDir, options.ports['broker-port']);
      messages = await recordMqtt(context.mqtt);
      context.messages = messages;
      const registryStorage = join(options.cache, 'registry');
      context.registryUrl = await startRegistry(processes, runDir, registryStorage, options.ports['registry-port']);
      const gitBase = join(runDir, 'git');
      await mkdir(gitBase, { recursive: true });
      const repoUrl = await startGitDaemon(processes, gitBase, options.ports['git-port']);
      // MLflow is needed from training on: its first start (making its venv) overlaps the first build.
      const mlflowDir = join(options.cache, 'mlflow');
      mlflowStarting = startMlflow(processes, python, mlflowDir, options.cache, options.ports['mlflow-port']);
      mlflowStarting.catch(() => undefined);
      const serveData = async () => {
        const dataDir = join(runDir, 'data');
        const heldOutFile = join(runDir, 'held-out.json');
        const script = join(ROOT, 'scripts/demo/digits_data.py');
        const tags = TAGS.join(',');
        await execa(python, [script, '--data-dir', dataDir, '--held-out', heldOutFile, '--tags', tags]);
        context.heldOut = JSON.parse(await readFile(heldOutFile, 'utf8'));
        context.dataServer = await startDataServer(processes, python, dataDir, options.ports['data-port']);
      };
      const example = join(ROOT, 'examples/digits-sklearn');
      const [, base, sha] = await Promise.all([
        serveData(),
        pushBase(making, registryHostPort),
        commitExample(example, runDir, gitBase, 'flops-demo/digits-sklearn'),
      ]);
      context.baseImage = base;
      context.repoUrl = repoUrl('flops-demo/digits-sklearn');
      say(`   broker ${context.mqtt}, registry ${context.registryUrl}, observer ${context.observer}`);
      const held = context.heldOut.labels.length;
      say(`   ML data server grpc://${context.dataServer} (${TAGS.join(', ')}; ${held} digits held out)`);
      say(`   MLflow ${mlflowUrl} (starting in the background); example repo ${context.repoUrl} at ${sha}`);
    });

    step(`1/4 Building the learner and aggregator of examples/digits-sklearn (fl_actors ${context.repoUrl} sklearn)`);
    const actors = await timed('build_fl_actors', () =>
      runBuilder(context, 'build-fl_actors', ['fl_actors', context.repoUrl, 'sklearn'], controller.signal),
    );
    const learnerImage = actors.learner_image.reference;
    const aggregatorImage = actors.aggregator_image.reference;
    say(actors.skipped ? `   skipped: ${actors.skip_reason}` : `   built and pushed in ${seconds(actors.total_ms)} s`);

    step(
      `2/4 Training: one aggregator and two learners (${TAGS.join(', ')}), ${options.rounds} rounds, from the pushed images`,
    );
    const success = await timed('train', async () => {
      context.mlflowUrl = await mlflowStarting;
      await Promise.all([pull(learnerImage), pull(aggregatorImage)]);
      return train(context, { learnerImage, aggregatorImage, tags: TAGS, rounds: options.rounds });
    });
    say(
      `   the aggregator tracked its winner model to MLflow run ${success.run_id} (accuracy ${success.accuracy}, loss ${success.loss})`,
    );

    step(
      `3/4 Building the trained model's serving image (trained_model ${PROJECT} ${context.mlflowUrl} ${success.run_id}), serving it`,
    );
    const model = await timed('build_trained_model', () =>
      runBuilder(
        context,
        'build-trained_model',
        ['trained_model', PROJECT, context.mlflowUrl, success.run_id],
        controller.signal,
      ),
    );
    const modelImage = model.trained_model_image.reference;
    const answers = await timed('serve', async () => {
      await pull(modelImage);
      const base = await serve(context, modelImage);
      say(`   ${modelImage} serves on ${base}; asking it about ${context.heldOut.labels.length} held-out digits`);
      return predict(base, context.heldOut);
    });
    const shown = answers.predictions
      .slice(0, 12)
      .map((p, at) => `${p}${p === answers.labels[at] ? '=' : '≠'}${answers.labels[at]}`);
    say(`   predicted=true: ${shown.join('  ')} …`);
    say(`   accuracy on the held-out digits: ${answers.accuracy.toFixed(4)} (${answers.labels.length} digits)`);

    step('4/4 Summary');
    const images = async (refs) =>
      Promise.all(
        refs.map(async (reference) => ({
          reference,
          compressed_bytes: await compressedBytes(context.registryUrl, reference),
        })),
      );
    const summary = {
      commit: actors.commit_sha,
      builds: {
        fl_actors: buildSummary(actors, await images([learnerImage, aggregatorImage])),
        trained_model: buildSummary(model, await images([modelImage])),
      },
      rounds: [...rounds].sort((a, b) => a.round - b.round),
      aggregator: {
        run_id: success.run_id,
        experiment_id: success.experiment_id,
        accuracy: success.accuracy,
        loss: success.loss,
      },
      serving: {
        image: modelImage,
        held_out: answers.labels.length,
        accuracy: answers.accuracy,
        examples: answers.predictions.slice(0, 20).map((predicted, at) => ({ predicted, label: answers.labels[at] })),
      },
      steps_s: steps,
      total_s: seconds(Date.now() - started),
      logs: logDir,
      mlflow_ui: options.keep ? mlflowUrl : null,
    };
    const paths = await writeSummary(runDir, context.python, summary);
    for (const line of summaryLines(summary, paths)) say(`   ${line}`);
    if (answers.accuracy < MIN_ACCURACY) {
      throw new Error(`the served model's accuracy ${answers.accuracy.toFixed(4)} is below ${MIN_ACCURACY}`);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`\nFAILED: ${error.message}\nLogs: ${logDir}\n`);
    return interrupted === 'SIGINT' ? 130 : interrupted === 'SIGTERM' ? 143 : 1;
  } finally {
    await messages?.close().catch(() => undefined);
    await observer?.close();
    await processes.stopAll();
    if (options.keep) {
      const kept = processes.services.filter((s) => !s.done);
      say(`\nKept running (--keep): ${kept.map((s) => s.name).join(', ')}; the MLflow UI is at ${mlflowUrl}`);
      say(`Stop them with: kill ${kept.map((s) => s.child.pid).join(' ')}`);
    } else {
      say('\nStopped and removed every process and container the demo started.');
    }
  }
}

process.exitCode = await main(process.argv.slice(2));
