// The demo's options: one table for the parser and --help; every bad value reported together.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** name → [type, default, help]; ports are options so that a test can run the demo beside other services. */
const TABLE = {
  cache: [
    'string',
    join(homedir(), '.cache', 'flops-image-builder', 'demo'),
    'cache folder (registry storage, base image, tool venvs, runs)',
  ],
  fresh: ['boolean', false, "empty the cache folder (and remove the demo's local images) first"],
  keep: ['boolean', false, "leave the services running at the end and print the MLflow UI's address"],
  rounds: ['string', '5', 'training rounds'],
  'broker-port': ['string', '9027', 'mosquitto'],
  'registry-port': ['string', '5073', 'the registry'],
  'observer-port': ['string', '2727', 'the observer (progress lines)'],
  'git-port': ['string', '9418', 'git daemon serving the example repo'],
  'mlflow-port': ['string', '5072', 'the MLflow tracking server (and its UI)'],
  'data-port': ['string', '8815', 'the Arrow Flight ML data server'],
  'aggregator-port': ['string', '8080', "the aggregator's Flower server"],
  'serve-port': ['string', '8082', "the trained model's scoring server"],
  help: ['boolean', false, 'print this help'],
};

export const PORT_OPTIONS = Object.keys(TABLE).filter((name) => name.endsWith('-port'));

export function usage() {
  const lines = Object.entries(TABLE).map(([name, [type, fallback, help]]) => {
    const flag = type === 'boolean' ? `--${name}` : `--${name} ${name.endsWith('port') ? 'N' : 'VALUE'}`;
    const shown = type === 'boolean' ? '' : ` (default ${fallback})`;
    return `  ${flag.padEnd(24)}${help}${shown}`;
  });
  return [
    'Usage: bash scripts/demo.sh [options]',
    'Builds examples/digits-sklearn with the FLOps image builder, trains it with one aggregator and two learners,',
    'builds and serves the trained model, and writes a summary with a plot. Everything runs on 127.0.0.1.',
    '',
    ...lines,
  ].join('\n');
}

/** argv → a frozen options object, or throws an Error listing every bad argument. */
export function readOptions(argv) {
  const spec = Object.fromEntries(
    Object.entries(TABLE).map(([name, [type, fallback]]) => [name, { type, default: fallback }]),
  );
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: spec, allowPositionals: false, strict: true }));
  } catch (error) {
    throw new Error(`${error.message}\n\n${usage()}`);
  }
  const problems = [];
  const integer = (name, min, max) => {
    const text = values[name];
    const number = Number(text);
    if (!/^\d+$/.test(text) || number < min || number > max) {
      problems.push(`--${name} ${JSON.stringify(text)}: expected a whole number from ${min} to ${max}`);
    }
    return number;
  };
  const ports = Object.fromEntries(PORT_OPTIONS.map((name) => [name, integer(name, 1, 65535)]));
  const rounds = integer('rounds', 1, 50);
  const taken = new Map();
  for (const [name, port] of Object.entries(ports)) {
    if (taken.has(port)) problems.push(`--${name} ${port}: the same port as --${taken.get(port)}; give each its own`);
    taken.set(port, name);
  }
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\n\n${usage()}`);
  return Object.freeze({
    cache: values.cache,
    fresh: values.fresh,
    keep: values.keep,
    help: values.help,
    rounds,
    ports,
  });
}
