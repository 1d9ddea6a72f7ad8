import { readdirSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseManagerArgs } from './builder-args.js';
import { deployPath, readDeployJson, readDeployText, readDeployYaml, venvTool } from './deploy-files.js';
import { baselineViolations, type PodSpec } from './pod-security.js';

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly spec?: JobSpec;
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
}
interface JobSpec {
  readonly backoffLimit?: number;
  readonly activeDeadlineSeconds?: number;
  readonly ttlSecondsAfterFinished?: number;
  readonly template: { readonly spec: PodSpec };
}
interface SeccompProfile {
  readonly defaultAction: string;
  readonly syscalls: { readonly names: string[]; readonly action: string }[];
}

const KUBERNETES_VALIDATE_PIN = 'kubernetes-validate==1.37.0';
// 1.30 is the first release with securityContext.appArmorProfile; 1.37 the newest this pin bundles.
const KUBERNETES_VERSIONS = ['1.30.0', '1.37.0'];
const MANIFESTS = readdirSync(deployPath('kubernetes'))
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => `kubernetes/${file}`);
const BUILDER_DEADLINE_S = 5400;
const ROOTLESS_STORAGE = '/home/builder/.local/share/containers';

const manifests = MANIFESTS.flatMap((file) => readDeployYaml<Manifest>(file));
const byKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const job = byKind('Job')[0]!;
const pod = job.spec!.template.spec;
const builder = pod.containers[0]!;
const env = new Map((builder.env ?? []).map((variable) => [variable.name, variable]));

describe('the Kubernetes manifests', () => {
  it('are a Namespace, a Secret, a ConfigMap and a Job, all in the namespace', () => {
    expect(manifests.map((manifest) => manifest.kind).sort()).toEqual(['ConfigMap', 'Job', 'Namespace', 'Secret']);
    const namespace = byKind('Namespace')[0]!.metadata.name;
    expect(
      manifests
        .filter((manifest) => manifest.kind !== 'Namespace')
        .every((manifest) => manifest.metadata.namespace === namespace),
    ).toBe(true);
  });

  it.each(KUBERNETES_VERSIONS)('validate strictly against the Kubernetes %s schemas, offline', async (version) => {
    const tool = venvTool('kubernetes-validate', 'FLOPS_KUBERNETES_VALIDATE', KUBERNETES_VALIDATE_PIN);
    const files = MANIFESTS.map(deployPath);
    const result = await execa(tool, ['--strict', '--kubernetes-version', version, ...files], {
      reject: false,
      all: true,
      timeout: 60_000,
    });
    expect({ exitCode: result.exitCode, output: result.all }).toMatchObject({ exitCode: 0 });
    expect(result.all?.match(/passed for resource/g)).toHaveLength(files.length);
  });

  it('are refused by the validator when a field is unknown, so the check above can fail', async () => {
    const tool = venvTool('kubernetes-validate', 'FLOPS_KUBERNETES_VALIDATE', KUBERNETES_VALIDATE_PIN);
    const broken = readDeployText('kubernetes/job.yaml').replace(
      'allowPrivilegeEscalation: true',
      'allowPrivilegeEscalation: true\n            privilegedd: false',
    );
    const result = await execa(tool, ['--strict', '--kubernetes-version', KUBERNETES_VERSIONS[0]!, '-'], {
      input: broken,
      reject: false,
      all: true,
      timeout: 60_000,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('privilegedd');
  });
});

describe('the builder Job', () => {
  it("runs once: no retry, no restart, a deadline past the builder's own, removed a while after", () => {
    expect([job.spec?.backoffLimit, pod.restartPolicy]).toEqual([0, 'Never']);
    expect(job.spec?.activeDeadlineSeconds).toBeGreaterThanOrEqual(BUILDER_DEADLINE_S);
    expect(job.spec?.ttlSecondsAfterFinished).toBeGreaterThan(0);
  });

  it("runs as the image's user builder, UID and GID 1000, never as root", () => {
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true });
    expect(pod.containers.every((container) => container.securityContext?.runAsUser === undefined)).toBe(true);
  });

  it('is not privileged, keeps privilege escalation for newuidmap and only SETUID and SETGID for it', () => {
    expect(builder.securityContext).toMatchObject({
      privileged: false,
      allowPrivilegeEscalation: true,
      capabilities: { drop: ['ALL'], add: ['SETUID', 'SETGID'] },
    });
  });

  it('uses the seccomp and AppArmor profiles shipped beside it', () => {
    expect(pod.securityContext?.seccompProfile).toEqual({
      type: 'Localhost',
      localhostProfile: 'profiles/flops-image-builder.json',
    });
    expect(readDeployJson<SeccompProfile>('kubernetes/seccomp/flops-image-builder.json').defaultAction).toBeDefined();
    expect(builder.securityContext?.appArmorProfile).toEqual({
      type: 'Localhost',
      localhostProfile: 'flops-image-builder',
    });
    expect(readDeployText('kubernetes/apparmor/flops-image-builder')).toMatch(/^profile flops-image-builder flags=/m);
  });

  it('meets Pod Security "baseline", which its namespace enforces', () => {
    expect(baselineViolations(pod)).toEqual([]);
    expect(byKind('Namespace')[0]!.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });

  it('would not meet baseline with Unconfined profiles, so the check above can fail', () => {
    const unconfined: PodSpec = {
      ...pod,
      securityContext: { ...pod.securityContext, seccompProfile: { type: 'Unconfined' } },
      containers: [
        { ...builder, securityContext: { ...builder.securityContext, appArmorProfile: { type: 'Unconfined' } } },
      ],
    };
    expect(baselineViolations(unconfined)).toEqual(['pod: seccomp Unconfined', 'builder: AppArmor Unconfined']);
  });

  it("keeps rootless storage on an emptyDir at the builder's storage path, and no host path", () => {
    const mount = builder.volumeMounts?.find((volumeMount) => volumeMount.mountPath === ROOTLESS_STORAGE);
    expect(pod.volumes?.find((volume) => volume.name === mount?.name)?.emptyDir).toBeDefined();
    expect(pod.volumes?.some((volume) => volume.hostPath !== undefined)).toBe(false);
    // No /dev/fuse in an unprivileged pod: vfs needs no mount for storage.
    expect(env.get('STORAGE_DRIVER')?.value).toBe('vfs');
  });

  it('reads the registry credentials and the git token from the shipped Secret, by name', () => {
    const secret = byKind('Secret')[0]!;
    for (const name of ['REGISTRY_USERNAME', 'REGISTRY_PASSWORD', 'GIT_TOKEN']) {
      const reference = env.get(name)?.valueFrom?.secretKeyRef;
      expect(env.get(name)?.value).toBeUndefined();
      expect(reference?.name).toBe(secret.metadata.name);
      expect(Object.keys(secret.stringData ?? {})).toContain(reference?.key);
    }
    expect(env.get('GIT_TOKEN')?.valueFrom?.secretKeyRef?.optional).toBe(true);
  });

  it('points FLOPS_EXTRA_CA_CERTS at the CA mounted read-only from the shipped ConfigMap', () => {
    const configMap = byKind('ConfigMap')[0]!;
    const volume = pod.volumes?.find((candidate) => candidate.configMap?.name === configMap.metadata.name);
    const mount = builder.volumeMounts?.find((volumeMount) => volumeMount.name === volume?.name);
    const item = volume?.configMap?.items?.[0];
    expect(mount?.readOnly).toBe(true);
    expect(Object.keys(configMap.data ?? {})).toContain(item?.key);
    expect(env.get('FLOPS_EXTRA_CA_CERTS')?.value).toBe(`${mount?.mountPath}/${item?.path}`);
  });

  it("keeps the image's entrypoint and gives the manager form of the fl_actors plan", () => {
    expect(builder.command).toBeUndefined();
    const { args, problems } = parseManagerArgs(builder.args ?? []);
    expect(problems).toEqual([]);
    expect(args?.plan).toBe('fl_actors');
  });
});

describe('the seccomp profile', () => {
  const profile = readDeployJson<SeccompProfile>('kubernetes/seccomp/flops-image-builder.json');
  const denied = profile.syscalls.flatMap((rule) => rule.names);

  it("allows what rootless buildah needs, which the runtimes' default profile refuses", () => {
    expect(profile.defaultAction).toBe('SCMP_ACT_ALLOW');
    for (const syscall of ['unshare', 'clone', 'clone3', 'setns', 'mount', 'umount2', 'pivot_root', 'chroot'])
      expect(denied).not.toContain(syscall);
  });

  it('denies loading kernel code, keyrings, tracing other processes and host-wide settings', () => {
    expect(profile.syscalls.every((rule) => rule.action === 'SCMP_ACT_ERRNO')).toBe(true);
    expect(new Set(denied).size).toBe(denied.length);
    for (const syscall of [
      'init_module',
      'finit_module',
      'kexec_load',
      'bpf',
      'keyctl',
      'add_key',
      'ptrace',
      'open_by_handle_at',
      'reboot',
      'swapon',
      'settimeofday',
    ]) {
      expect(denied).toContain(syscall);
    }
  });
});
