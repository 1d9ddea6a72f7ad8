// Types of options.mjs, for the unit tests that import it.
export declare const PORT_OPTIONS: readonly string[];
export declare function usage(): string;
export interface DemoOptions {
  readonly cache: string;
  readonly fresh: boolean;
  readonly keep: boolean;
  readonly help: boolean;
  readonly rounds: number;
  readonly ports: Readonly<Record<string, number>>;
}
export declare function readOptions(argv: readonly string[]): DemoOptions;
