// The newest Flower release that fits the python and the repo's pins; a pin is raised only when none fits.

import { FLWR_PINNED, FLWR_RELEASES, type FlwrPinned } from '../flwr-release-table.js';
import { chooseFlwr, type RepoBound } from '../flwr-releases.js';
import { FRAMEWORKS, frameworkBounds } from '../known-packages.js';
import { intersects, satisfies } from '../pep440.js';
import { newestPatch } from '../python-version.js';
import { cited, type Item, type PlanState } from './state.js';
import { DependencyRefusal } from './types.js';

/** The refusal code of each reason no Flower release could be chosen. */
const REFUSAL_OF_CHOICE = {
  python: 'FLOWER_PYTHON',
  'pins-clash': 'PINS_CONFLICT',
  'no-release-fits': 'NO_FLOWER_FITS',
} as const;

export function chooseFlower(state: PlanState): void {
  if (state.options.purpose !== 'fl') return;
  const { python } = state.options;
  const pins: Partial<Record<FlwrPinned, RepoBound[]>> = {};
  const bounds: Partial<Record<FlwrPinned, RepoBound[]>> = {};
  const pinItems: Partial<Record<FlwrPinned, Item[]>> = {};
  for (const item of state.items) {
    if (item.removed || !item.applies || item.parsed.kind !== 'index' || item.parsed.name === undefined) continue;
    const name = item.parsed.name;
    if ((FLWR_PINNED as readonly string[]).includes(name) && item.parsed.specifier !== '') {
      append(pins, name as FlwrPinned, { specifier: item.parsed.specifier, by: cited(item) });
      append(pinItems, name as FlwrPinned, item);
    }
    if (!item.constraint && FRAMEWORKS[name] !== undefined) {
      for (const [packageName, specifier] of Object.entries(frameworkBounds(name, item.parsed.specifier, python))) {
        append(bounds, packageName as FlwrPinned, { specifier, by: cited(item) });
      }
    }
  }
  const choice = chooseFlwr({ python, pins, bounds });
  if ('problem' in choice) throw new DependencyRefusal(REFUSAL_OF_CHOICE[choice.kind], choice.problem);

  for (const raise of choice.raises) {
    for (const item of pinItems[raise.package] ?? []) {
      item.parsed = { ...item.parsed, specifier: raise.to };
      item.raised = true;
    }
    state.patches.push(
      `raised ${raise.from.map((bound) => bound.by).join(', ')} to ${raise.package}${raise.to}: no Flower release fits python ${python} and every pin as written, and flwr ${choice.version} needs ${raise.package}${raise.to}, which the repo's other packages accept`,
    );
  }
  const newest = FLWR_RELEASES.find((release) => satisfies(newestPatch(python), release.python));
  if (newest !== undefined && newest.version !== choice.version && choice.raises.length === 0) {
    const by = (name: FlwrPinned): RepoBound[] => [...(pins[name] ?? []), ...(bounds[name] ?? [])];
    const blockers = FLWR_PINNED.filter(
      (name) => !intersects(newest.requires[name], ...by(name).map((bound) => bound.specifier)),
    );
    const why = blockers.map((name) => {
      const who = by(name).map((bound) => bound.by);
      return `${name}${newest.requires[name]}, which ${who.join(' and ')} rule${who.length === 1 ? 's' : ''} out`;
    });
    state.patches.push(
      `pinned flwr ${choice.version} rather than ${newest.version}, the newest for python ${python}, to keep the repo's pins: flwr ${newest.version} needs ${why.join('; ')}`,
    );
  }
  state.flwrVersion = choice.version;
}

/** Adds `value` to the list under `key`, starting the list if needed. */
function append<K extends string, V>(lists: Partial<Record<K, V[]>>, key: K, value: V): void {
  const list = lists[key] ?? [];
  list.push(value);
  lists[key] = list;
}
