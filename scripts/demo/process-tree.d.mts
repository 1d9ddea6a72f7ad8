// Types of process-tree.mjs, for the tests that import it.
export declare function signalBelow(
  root: number | undefined,
  signal: NodeJS.Signals,
  reach: 'command' | 'all',
): Promise<void>;
