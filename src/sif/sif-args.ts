// The argument lists of mksquashfs and siftool for a SIF as Apptainer writes one from an OCI image, as pure functions.

/** siftool's numbers for the SIF data types, partition types, file systems and architectures it writes. */
export const SIF = Object.freeze({
  deffile: 1,
  genericJson: 6,
  partition: 4,
  primarySystem: 2,
  squashfs: 1,
  /** Apptainer puts the descriptors of one image in group 1. */
  group: 1,
});

/** The SIF architecture codes (siftool's `--partarch`) of OCI architectures. */
const SIF_ARCH: Readonly<Record<string, number>> = {
  '386': 1,
  amd64: 2,
  arm: 3,
  arm64: 4,
  ppc64: 5,
  ppc64le: 6,
  mips: 7,
  mipsle: 8,
  mips64: 9,
  mips64le: 10,
  s390x: 11,
  riscv64: 12,
};

/** siftool's code of an OCI architecture, or undefined for one SIF has no code for. */
export function sifArch(architecture: string): number | undefined {
  return SIF_ARCH[architecture];
}

/** mksquashfs's options after ROOT FILE: a fresh file, gzip (what every Apptainer reads), owners and times as they are. */
export const MKSQUASHFS_OPTIONS = Object.freeze(['-noappend', '-comp', 'gzip', '-no-progress', '-quiet']);

/** `siftool add` of one object into the SIF: the definition, the inspect metadata, or the root filesystem. */
export function siftoolAddArgs(
  sif: string,
  object: string,
  what: { readonly kind: 'deffile' | 'metadata' } | { readonly kind: 'rootfs'; readonly arch: number },
): string[] {
  const type =
    what.kind === 'rootfs'
      ? [
          '--datatype',
          String(SIF.partition),
          '--parttype',
          String(SIF.primarySystem),
          '--partfs',
          String(SIF.squashfs),
          '--partarch',
          String(what.arch),
        ]
      : ['--datatype', String(what.kind === 'deffile' ? SIF.deffile : SIF.genericJson)];
  return ['add', ...type, '--groupid', String(SIF.group), '--', sif, object];
}
