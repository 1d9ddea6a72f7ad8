import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BUILDER_ENV, parseManagerArgs } from './builder-args.js';
import { deployPath, readDeployText, readDeployYaml, venvTool } from './deploy-files.js';

interface Service {
  readonly image?: string;
  readonly build?: unknown;
  readonly profiles?: string[];
  readonly restart?: string;
  readonly privileged?: boolean;
  readonly user?: string;
  readonly security_opt?: string[];
  readonly devices?: string[];
  readonly cap_add?: string[];
  readonly ports?: string[];
  readonly environment?: Record<string, string>;
  readonly command?: string[];
  readonly depends_on?: string[];
  readonly volumes?: string[];
}
interface Compose {
  readonly services: Record<string, Service>;
  readonly volumes?: Record<string, unknown>;
}

const CHECK_JSONSCHEMA_PIN = 'check-jsonschema==0.39.0';
const compose = readDeployYaml<Compose>('compose/compose.yaml')[0]!;
const { mqtt, registry, builder, 'builder-rootless': rootless } = compose.services;

/** Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, for the values the tests set. */
function interpolate(value: string, variables: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g,
    (_match, name: string, operator?: string, argument = '') => {
      const set = variables[name];
      if (set) return set;
      if (operator === '?') throw new Error(`${name}: ${argument}`);
      return operator === '-' ? argument : '';
    },
  );
}

const mountTarget = (volume: string) => volume.split(':')[1];

describe('the compose stack', () => {
  it('validates against the compose-spec schema, offline', async () => {
    const tool = venvTool('check-jsonschema', 'FLOPS_CHECK_JSONSCHEMA', CHECK_JSONSCHEMA_PIN);
    const result = await execa(tool, ['--builtin-schema', 'vendor.compose-spec', deployPath('compose/compose.yaml')], {
      reject: false,
      all: true,
      timeout: 60_000,
    });
    expect({ exitCode: result.exitCode, output: result.all }).toMatchObject({ exitCode: 0 });
  });

  it('is refused by the schema when a key is misspelt, so the check above can fail', async () => {
    const tool = venvTool('check-jsonschema', 'FLOPS_CHECK_JSONSCHEMA', CHECK_JSONSCHEMA_PIN);
    const broken = readDeployText('compose/compose.yaml').replace('security_opt:', 'security_opts:');
    const result = await execa(tool, ['--builtin-schema', 'vendor.compose-spec', '--force-filetype', 'yaml', '-'], {
      input: broken,
      reject: false,
      all: true,
      timeout: 60_000,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('security_opts');
  });

  it('has the broker on 9027, anonymous, and a registry on 5073', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['builder', 'builder-rootless', 'mqtt', 'registry']);
    expect(mqtt?.ports).toEqual(['9027:9027']);
    const config = mqtt?.volumes?.find((volume) => mountTarget(volume) === '/mosquitto/config/mosquitto.conf');
    expect(config?.split(':')[0]).toBe('./mosquitto.conf');
    expect(readDeployText('compose/mosquitto.conf')).toMatch(/^listener 9027$[\s\S]*^allow_anonymous true$/m);
    expect(registry?.image).toMatch(/^docker\.io\/library\/registry:/);
    expect(registry?.ports).toEqual(['5073:5073']);
    expect(registry?.environment?.REGISTRY_HTTP_ADDR).toBe('0.0.0.0:5073');
  });

  it('starts neither builder with "up": each runs once, when asked', () => {
    for (const service of [builder, rootless]) {
      expect(service?.profiles).toEqual(['builder']);
      expect(service?.restart).toBe('no');
      expect(service?.depends_on).toEqual(['mqtt', 'registry']);
    }
  });

  it("runs the privileged variant as root with root's storage", () => {
    expect(builder?.privileged).toBe(true);
    expect(builder?.user).toBeUndefined();
    expect(builder?.volumes?.map(mountTarget)).toContain('/var/lib/containers');
  });

  it('runs the unprivileged variant as builder with exactly the options rootless buildah needs', () => {
    expect(rootless?.privileged).toBeUndefined();
    expect(rootless?.user).toBe('builder');
    expect(rootless?.security_opt).toEqual(['seccomp=unconfined', 'apparmor=unconfined']);
    expect(rootless?.devices).toEqual(['/dev/fuse']);
    expect(rootless?.cap_add).toBeUndefined();
    expect(rootless?.volumes?.map(mountTarget)).toContain('/home/builder/.local/share/containers');
  });

  it('gives each builder its own storage volume', () => {
    const storage = [builder, rootless].map((service) => service?.volumes?.[0]?.split(':')[0]);
    expect(new Set(storage).size).toBe(2);
    for (const volume of storage) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });

  it('builds one image and passes the builder only the variables it reads', () => {
    expect(rootless?.image).toBe(builder?.image);
    expect(rootless?.environment).toEqual(builder?.environment);
    expect(Object.keys(builder?.environment ?? {}).sort()).toEqual([...BUILDER_ENV].sort());
  });

  it('gives both builders the manager form of the fl_actors plan, reaching the stack by service name', () => {
    expect(rootless?.command).toEqual(builder?.command);
    const tokens = (builder?.command ?? []).map((token) =>
      interpolate(token, { REPO_URL: 'https://git.example.com/alice/mnist.git' }),
    );
    const { args, problems } = parseManagerArgs(tokens);
    expect(problems).toEqual([]);
    expect([args?.plan, args?.registryUrl, tokens[2]]).toEqual(['fl_actors', 'http://registry:5073', 'mqtt']);
  });
});
