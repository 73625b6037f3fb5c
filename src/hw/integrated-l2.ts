// An integrated L2's geometry from the device tree (Devicetree Specification §3.7.3, the cache
// node a CPU's `next-level-cache` names: cache-size, cache-sets, cache-line-size /
// cache-block-size, as Linux's cacheinfo reads them), over the profile's typical values for
// what the node leaves out. Only for ARMv7 profiles whose L2 is inside the point of coherency:
// the PL310's size is its own register's business, and the arm64 profile stays as it was.

import type { DeviceTree, DeviceNode } from "../of/node.js";
import type { MachineProfile } from "./profile.js";

export interface IntegratedL2 {
  profile: MachineProfile;
  /** What was taken from the tree and what was assumed, one sentence each (Board.assumed). */
  notes: string[];
}

const formatKiB = (n: number) => (n >= 1024 * 1024 && n % (1024 * 1024) === 0 ? `${n / 1024 / 1024} MiB` : `${n / 1024} KiB`);

/** The L2 node of the boot CPU (the first CPU node): `next-level-cache`, or the older `l2-cache`. */
function l2Node(tree: DeviceTree): { cpu: DeviceNode; cache?: DeviceNode } | undefined {
  const cpu = tree.findByPath("/cpus")?.children.find((c) => c.string("device_type") === "cpu" || c.compatible.length > 0);
  if (!cpu) return undefined;
  const ph = cpu.u32("next-level-cache") ?? cpu.u32("l2-cache");
  const cache = ph === undefined ? undefined : tree.findByPhandle(ph);
  return { cpu, cache };
}

/** The profile with the tree's L2 size (and, given cache-sets, its ways) where an ARMv7 profile
 *  with an integrated L2 meets a tree that says them; notes on both cases. A line size other than
 *  the profile's cannot be modelled (one line size for both levels) and is reported, not taken. */
export function integratedL2(tree: DeviceTree, profile: MachineProfile): IntegratedL2 {
  const l2 = profile.l2;
  if (profile.arch !== "arm" || !l2 || l2.outer) return { profile, notes: [] };
  const typical = `the ${profile.name} profile's typical ${formatKiB(l2.sizeBytes)} ${l2.ways}-way L2`;
  const found = l2Node(tree);
  const cache = found?.cache;
  if (!cache || cache.u32("cache-size") === undefined) {
    const where = cache ? `${cache.path} has no cache-size` : `${found?.cpu.path ?? "/cpus"} names no next-level-cache node`;
    return { profile, notes: [`L2 size assumed: ${typical} (${where})`] };
  }
  const size = cache.u32("cache-size")!;
  const line = cache.u32("cache-line-size") ?? cache.u32("cache-block-size");
  const sets = cache.u32("cache-sets");
  const notes: string[] = [];
  if (line !== undefined && line !== l2.lineBytes) {
    notes.push(`${cache.path}: cache-line-size ${line} ignored; the model keeps the ${profile.name} profile's ${l2.lineBytes}-byte lines in both levels`);
  }
  const waysFromTree = sets !== undefined && sets > 0 && size % (sets * l2.lineBytes) === 0;
  const ways = waysFromTree ? size / (sets * l2.lineBytes) : l2.ways;
  // The model finds a set by masking (assembly/cache.ts): a set count that is not a power of two
  // cannot be built, so such a node keeps the profile's typical L2, and says so.
  const modelSets = size / (ways * l2.lineBytes);
  if (!Number.isInteger(modelSets) || modelSets < 1 || (modelSets & (modelSets - 1)) !== 0) {
    return {
      profile,
      notes: [...notes, `L2 size assumed: ${typical} (${cache.path}'s ${formatKiB(size)} in ${ways} ways of ${l2.lineBytes}-byte lines is ${+modelSets.toFixed(3)} sets, and the model needs a power of two)`],
    };
  }
  notes.unshift(`L2 from ${cache.path}: ${formatKiB(size)}, ${ways}-way (ways ${waysFromTree ? "from cache-sets" : `assumed: the ${profile.name} TRM's`})`);
  return { profile: { ...profile, l2: { ...l2, sizeBytes: size, ways } }, notes };
}
