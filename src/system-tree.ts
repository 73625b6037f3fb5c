// Which device tree a System boots: a .dts source, a blob, a variant of a built-in board (its
// blob with a bug kind's edits) or a built-in board by name (zynq-7000 when nothing is given).
// createSystem's first step, apart from the System it builds.

import type { SystemOptions } from "./system.js";
import type { DeviceTree } from "./of/node.js";
import type { MachineProfile } from "./hw/profile.js";
import { readDeviceTree, hostFileReader } from "./of/load.js";
import { compileDts } from "./of/dts.js";
import { BOARDS, unknownBoardText } from "./boards.js";
import { boardVariantBlob } from "./board-variant.js";
import { loadBytes, packageUrl } from "./resources.js";
import { SystemError } from "./system-error.js";

export interface SystemTree {
  tree: DeviceTree;
  /** The built-in board's name when the tree is one, unedited. */
  builtIn?: string;
  /** That board's profile. */
  profile?: MachineProfile;
}

export async function systemTree(options: SystemOptions): Promise<SystemTree> {
  if (options.dts !== undefined) {
    return { tree: compileDts(options.dts, { name: options.dtsName ?? "<dts>", readFile: hostFileReader(), includeDirs: options.dtsIncludeDirs }) };
  }
  let dtb = options.dtb;
  let source = options.dtbName ?? "<dtb>";
  let builtIn: string | undefined;
  let profile: MachineProfile | undefined;
  if (!dtb && options.variant) {
    // Booted as a blob the user had made from the board's source with these edits: the
    // variant is no built-in board, so its profile comes from its tree as for any blob.
    if (!BOARDS[options.variant.board]) throw new SystemError(`variant: ${unknownBoardText(options.variant.board)}`);
    dtb = await boardVariantBlob(options.variant);
    source = options.variant.name;
  } else if (!dtb) {
    const name = options.board ?? "zynq-7000";
    const b = BOARDS[name];
    if (!b) throw new SystemError(unknownBoardText(name, "pass a dtb"));
    dtb = await loadBytes(packageUrl(b.dtb));
    builtIn = name;
    source = b.dtb;
    profile = b.profile;
  }
  const tree = readDeviceTree(dtb, { name: source, readFile: hostFileReader(), includeDirs: options.dtsIncludeDirs }).tree;
  return { tree, builtIn, profile };
}
