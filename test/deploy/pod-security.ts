// The checks of the Pod Security Standard "baseline" that a pod spec's own fields decide
// (https://kubernetes.io/docs/concepts/security/pod-security-standards/), to show which level the Job meets.

export interface SecurityContext {
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly runAsNonRoot?: boolean;
  readonly procMount?: string;
  readonly capabilities?: { readonly add?: string[]; readonly drop?: string[] };
  readonly seccompProfile?: { readonly type: string; readonly localhostProfile?: string };
  readonly appArmorProfile?: { readonly type: string; readonly localhostProfile?: string };
  readonly seLinuxOptions?: { readonly type?: string; readonly user?: string; readonly role?: string };
  readonly sysctls?: { readonly name: string }[];
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: {
    readonly name: string;
    readonly value?: string;
    readonly valueFrom?: {
      readonly secretKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
    };
  }[];
  readonly ports?: { readonly hostPort?: number }[];
  readonly securityContext?: SecurityContext;
  readonly volumeMounts?: { readonly name: string; readonly mountPath: string; readonly readOnly?: boolean }[];
}

export interface PodSpec {
  readonly restartPolicy?: string;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly securityContext?: SecurityContext;
  readonly containers: Container[];
  readonly initContainers?: Container[];
  readonly volumes?: {
    readonly name: string;
    readonly hostPath?: unknown;
    readonly emptyDir?: unknown;
    readonly configMap?: { readonly name: string; readonly items?: { readonly key: string; readonly path: string }[] };
  }[];
}

/** Capabilities baseline lets a container add: those of the runtimes' default set. */
const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];
const BASELINE_SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

/** What in the pod spec breaks "baseline"; empty if it meets it. */
export function baselineViolations(pod: PodSpec): string[] {
  const violations: string[] = [];
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) violations.push('host namespaces');
  for (const volume of pod.volumes ?? [])
    if (volume.hostPath !== undefined) violations.push(`hostPath volume ${volume.name}`);
  violations.push(...contextViolations('pod', pod.securityContext));
  for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
    const context = container.securityContext;
    violations.push(...contextViolations(container.name, context));
    if (context?.privileged) violations.push(`${container.name}: privileged`);
    for (const capability of context?.capabilities?.add ?? []) {
      if (!BASELINE_CAPABILITIES.includes(capability)) violations.push(`${container.name}: adds ${capability}`);
    }
    if ((context?.procMount ?? 'Default') !== 'Default')
      violations.push(`${container.name}: procMount ${context?.procMount}`);
    if ((container.ports ?? []).some((port) => port.hostPort)) violations.push(`${container.name}: hostPort`);
  }
  return violations;
}

function contextViolations(owner: string, context: SecurityContext | undefined): string[] {
  const violations: string[] = [];
  if (context?.seccompProfile?.type === 'Unconfined') violations.push(`${owner}: seccomp Unconfined`);
  if (context?.appArmorProfile?.type === 'Unconfined') violations.push(`${owner}: AppArmor Unconfined`);
  const selinux = context?.seLinuxOptions;
  if (selinux && (selinux.user || selinux.role || !BASELINE_SELINUX_TYPES.includes(selinux.type ?? '')))
    violations.push(`${owner}: SELinux options`);
  // Baseline allows a few namespaced sysctls; the Job sets none, so any counts here.
  if ((context?.sysctls ?? []).length > 0) violations.push(`${owner}: sysctls`);
  return violations;
}
