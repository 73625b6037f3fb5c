// arm64-highmem with RAM running across 4 GiB (its second bank moved to 0xf0000000-0x110000000,
// so ZONE_DMA below the line and ZONE_NORMAL above it) beside its bank at 2 GiB, and its devices
// moved below RAM, out of the way: the board for CMA areas that straddle a zone boundary.

import { readFileSync } from "node:fs";

/** The tree's source; `extra` goes before the cpus node. */
export function acrossBoard(extra = ""): string {
  return readFileSync(new URL("../../examples/boards/arm64-highmem.dts", import.meta.url), "utf8")
    .replace("<0x8 0x80000000 0x0 0x10000000>", "<0x0 0xf0000000 0x0 0x20000000>")
    .replaceAll("0x0 0xfe", "0x0 0x3e").replaceAll("0x0 0xff", "0x0 0x3f").replaceAll("@fe", "@3e").replaceAll("@ff", "@3f")
    .replace("\tcpus {", `${extra}\tcpus {`);
}
