// A built-in board booted from its device tree after an edit (a board vendor's variant), or with
// its machine profile changed (e.g. the prefetcher turned on or off).

import { BOARDS } from "../../src/boards.js";
import { loadBytes, packageUrl } from "../../src/resources.js";
import { parseFdt } from "../../src/of/fdt.js";
import type { DeviceTree } from "../../src/of/node.js";
import { instantiateSilicon } from "../../src/hw/wasm.js";
import { buildBoard } from "../../src/hw/board.js";
import type { MachineProfile } from "../../src/hw/profile.js";
import { Kernel, type KernelOptions } from "../../src/kernel/kernel.js";
import { System } from "../../src/system.js";
import { makeProvenance } from "../../src/provenance.js";

export async function editedSystem(
  board: "zynq-7000" | "arm64-ref",
  edit: (tree: DeviceTree) => void,
  opts: { kernel?: KernelOptions["version"]; profile?: (p: MachineProfile) => MachineProfile } = {},
): Promise<System> {
  const b = BOARDS[board];
  const tree = parseFdt(await loadBytes(packageUrl(b.dtb)), b.dtb);
  edit(tree);
  const profile = opts.profile ? opts.profile(b.profile) : b.profile;
  const { machine, board: built } = buildBoard(await instantiateSilicon(), tree, profile);
  const kernel = new Kernel(machine, built, { version: opts.kernel });
  // An edited tree is no longer the built-in board: it is named by its source, as a file would be.
  const provenance = makeProvenance({ treeSource: `${b.dtb} (edited)`, model: tree.model, profile: profile.name, kernel: kernel.version, options: {}, assumed: built.assumed });
  return new System(machine, built, kernel, provenance);
}
