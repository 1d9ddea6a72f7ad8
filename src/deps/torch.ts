// PyTorch: the torchvision and torchaudio releases built for each torch release, and where the CPU-only wheels are.

/** PyTorch's index of CPU-only wheels (https://pytorch.org/get-started/locally/, "Compute Platform: CPU"). */
export const PYTORCH_CPU_INDEX = 'https://download.pytorch.org/whl/cpu';

/** The packages PyTorch publishes together, whose wheels come in CPU and CUDA builds. */
export const TORCH_FAMILY = ['torch', 'torchvision', 'torchaudio'] as const;

/**
 * torch release → the torchvision and torchaudio releases built against it. This is the compatibility
 * matrix of https://github.com/pytorch/vision#installation and https://pytorch.org/audio/main/installation.html,
 * checked against each torchvision and torchaudio wheel's METADATA on PyPI (`Requires-Dist: torch==X`).
 * torchaudio 2.11.0 names no torch release in its METADATA; it follows torch's numbering like every
 * torchaudio since 2.1, and none was released for torch 2.12 or later. torchvision 0.29.1 and 0.29.2 ask
 * only torch>=2.14.0, so torch 2.14.1 is left for pip to pair.
 */
export const TORCH_COMPANIONS: Readonly<
  Record<string, { readonly torchvision: string; readonly torchaudio?: string }>
> = Object.freeze({
  '1.13.0': { torchvision: '0.14.0', torchaudio: '0.13.0' },
  '1.13.1': { torchvision: '0.14.1', torchaudio: '0.13.1' },
  '2.0.0': { torchvision: '0.15.1', torchaudio: '2.0.1' },
  '2.0.1': { torchvision: '0.15.2', torchaudio: '2.0.2' },
  '2.1.0': { torchvision: '0.16.0', torchaudio: '2.1.0' },
  '2.1.1': { torchvision: '0.16.1', torchaudio: '2.1.1' },
  '2.1.2': { torchvision: '0.16.2', torchaudio: '2.1.2' },
  '2.2.0': { torchvision: '0.17.0', torchaudio: '2.2.0' },
  '2.2.1': { torchvision: '0.17.1', torchaudio: '2.2.1' },
  '2.2.2': { torchvision: '0.17.2', torchaudio: '2.2.2' },
  '2.3.0': { torchvision: '0.18.0', torchaudio: '2.3.0' },
  '2.3.1': { torchvision: '0.18.1', torchaudio: '2.3.1' },
  '2.4.0': { torchvision: '0.19.0', torchaudio: '2.4.0' },
  '2.4.1': { torchvision: '0.19.1', torchaudio: '2.4.1' },
  '2.5.0': { torchvision: '0.20.0', torchaudio: '2.5.0' },
  '2.5.1': { torchvision: '0.20.1', torchaudio: '2.5.1' },
  '2.6.0': { torchvision: '0.21.0', torchaudio: '2.6.0' },
  '2.7.0': { torchvision: '0.22.0', torchaudio: '2.7.0' },
  '2.7.1': { torchvision: '0.22.1', torchaudio: '2.7.1' },
  '2.8.0': { torchvision: '0.23.0', torchaudio: '2.8.0' },
  '2.9.0': { torchvision: '0.24.0', torchaudio: '2.9.0' },
  '2.9.1': { torchvision: '0.24.1', torchaudio: '2.9.1' },
  '2.10.0': { torchvision: '0.25.0', torchaudio: '2.10.0' },
  '2.11.0': { torchvision: '0.26.0', torchaudio: '2.11.0' },
  '2.12.0': { torchvision: '0.27.0' },
  '2.12.1': { torchvision: '0.27.1' },
  '2.13.0': { torchvision: '0.28.0' },
  '2.14.0': { torchvision: '0.29.0' },
});

/** The torch release an exact pin names (`==2.1.1`, `==2.1.1+cu118`, `==2.1` → 2.1.0), or undefined for anything looser. */
export function exactTorchVersion(specifier: string): string | undefined {
  const match = /^===?(\d+\.\d+(?:\.\d+)?)(?:\+[A-Za-z0-9.]+)?$/.exec(specifier);
  if (!match?.[1]) return undefined;
  return match[1].split('.').length === 2 ? `${match[1]}.0` : match[1];
}

/** The companion a torch release needs of torchvision or torchaudio, if the table knows it. */
export function companionFor(torch: string, name: 'torchvision' | 'torchaudio'): string | undefined {
  return TORCH_COMPANIONS[torch]?.[name];
}

/** The torch release a torchvision or torchaudio release was built for (the table read backwards). */
export function torchFor(name: 'torchvision' | 'torchaudio', version: string): string | undefined {
  const normalised = version.split('.').length === 2 ? `${version}.0` : version;
  return Object.entries(TORCH_COMPANIONS).find(([, companions]) => companions[name] === normalised)?.[0];
}
