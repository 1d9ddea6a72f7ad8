// V8 settings for a short-lived command; cli.ts imports this module first, so they hold before anything compiles.
//
// undici (the registry client) parses HTTP with WebAssembly. V8 compiles that at once with its baseline compiler and
// then, by default, again in the background with its optimising one, which a job's few registry requests never
// need; yet the process waits for that second compile before it exits: 0.1 to 0.15 s of a rebuild of an already
// built commit, whose goal is 1 s in all (issue 21).
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
