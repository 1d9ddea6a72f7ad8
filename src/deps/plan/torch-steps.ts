// Frameworks and python, PyTorch's companions, and PyTorch's CPU-only wheels.

import { frameworkPythonProblem } from '../known-packages.js';
import { satisfies } from '../pep440.js';
import { companionFor, exactTorchVersion, PYTORCH_CPU_INDEX, TORCH_FAMILY, torchFor } from '../torch.js';
import { cited, type Item, named, type PlanState } from './state.js';
import { DependencyRefusal } from './types.js';

export const CPU_REASON =
  'edge nodes rarely have NVIDIA GPUs and the CUDA wheels add gigabytes; build with --torch-cuda to keep them';

/** A framework pinned to releases that do not support the image's python cannot work. */
export function refuseFrameworksWithoutPython(state: PlanState): void {
  for (const item of state.items) {
    const { parsed } = item;
    if (item.removed || !item.applies || item.constraint || parsed.kind !== 'index' || parsed.name === undefined)
      continue;
    const problem = frameworkPythonProblem(parsed.name, parsed.specifier, state.options.python);
    if (problem) throw new DependencyRefusal('FRAMEWORK_PYTHON', `${cited(item)} ${problem}`);
  }
}

/** torchvision and torchaudio must be the releases built for the pinned torch; unpinned ones are pinned to them. */
export function pairTorchCompanions(state: PlanState): void {
  const items = pipItems(state);
  const torchItems = named(items, 'torch');
  if (torchItems.length !== 1) return;
  const torchItem = torchItems[0] as Item;
  const torch = exactTorchVersion(torchItem.parsed.specifier);
  if (torch === undefined) return;
  for (const name of ['torchvision', 'torchaudio'] as const) {
    const companion = companionFor(torch, name);
    if (companion === undefined) continue;
    for (const item of named(items, name)) {
      const pinned = exactTorchVersion(item.parsed.specifier);
      if (pinned !== undefined && pinned === companion) continue;
      if (item.parsed.specifier !== '' && !satisfies(companion, item.parsed.specifier.replace(/\+[A-Za-z0-9.]+/, ''))) {
        const builtFor = pinned === undefined ? undefined : torchFor(name, pinned);
        const why = builtFor
          ? `is built for torch ${builtFor}`
          : `does not allow ${name} ${companion}, the release built for it`;
        throw new DependencyRefusal(
          'TORCH_COMPANION_MISMATCH',
          `${cited(item)} ${why}, but ${cited(torchItem)} is pinned; pin ${name}==${companion} or remove the ${name} pin`,
        );
      }
      item.parsed = { ...item.parsed, specifier: `==${companion}` };
      state.patches.push(`pinned ${cited(item)} to ${name}==${companion}: the release built for torch ${torch}`);
    }
  }
}

/** PyTorch's CPU-only wheels unless --torch-cuda: their index, and on amd64 exact pins marked `+cpu`. */
export function cpuTorch(state: PlanState): void {
  const family = pipItems(state).filter(
    (item) =>
      !item.removed &&
      item.parsed.kind === 'index' &&
      (TORCH_FAMILY as readonly string[]).includes(item.parsed.name ?? ''),
  );
  if (family.length === 0 || state.options.torchCuda) return;
  const cudaIndexes = state.pipOptions.filter((option) => /download\.pytorch\.org\/whl\/cu\d+/.test(option));
  if (cudaIndexes.length > 0) state.patches.push(`removed ${cudaIndexes.join(', ')}: ${CPU_REASON}`);
  const kept = state.pipOptions.filter((option) => !cudaIndexes.includes(option));
  const hasCpuIndex = kept.some(
    (option) => option.endsWith(` ${PYTORCH_CPU_INDEX}`) || option.endsWith(` ${PYTORCH_CPU_INDEX}/`),
  );
  // The +cpu builds exist only for x86_64 on PyTorch's index; for aarch64 its CPU wheels carry no label, so a
  // CUDA label (+cu118) is dropped there.
  const cpuLabel = state.machine === 'x86_64' ? '+cpu' : '';
  const marked = family.filter(
    (item) =>
      exactTorchVersion(item.parsed.specifier) !== undefined &&
      !item.parsed.specifier.endsWith(cpuLabel || '\0') &&
      (cpuLabel !== '' || /\+/.test(item.parsed.specifier)),
  );
  for (const item of marked) {
    item.parsed = { ...item.parsed, specifier: item.parsed.specifier.replace(/\+[A-Za-z0-9.]+$/, '') + cpuLabel };
  }
  const names = [...new Set(family.map((item) => item.parsed.name))].join(', ');
  const pins =
    marked.length > 0 ? ` (${marked.map((item) => `${item.parsed.name}${item.parsed.specifier}`).join(', ')})` : '';
  state.patches.push(`installed ${names} as CPU-only wheels from ${PYTORCH_CPU_INDEX}${pins}: ${CPU_REASON}`);
  state.pipOptions = hasCpuIndex ? kept : [...kept, `--extra-index-url ${PYTORCH_CPU_INDEX}`];
}

/** The requirements pip installs: on the conda path, the conda packages are conda's. */
export function pipItems(state: PlanState): Item[] {
  return state.items.filter((item) => !(state.installer === 'conda' && item.source.fromConda !== undefined));
}
