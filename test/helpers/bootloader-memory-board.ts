// arm64-highmem with its RAM left to the bootloader (one memory node at 0xf0000000 of no size, so
// `memory` sets how far it runs) and its devices moved below RAM, out of the way: with 256 MiB
// RAM ends exactly at 4 GiB, within the PL330's 32-bit DMA mask; with more, the part past 4 GiB
// is ZONE_NORMAL, where kmalloc's pages come from first, beyond the mask.

import { readFileSync } from "node:fs";

/** The tree's source. */
export function bootloaderMemoryBoard(): string {
  return readFileSync(new URL("../../examples/boards/arm64-highmem.dts", import.meta.url), "utf8")
    .replace(/memory@80000000 \{[^}]*\};/, 'memory@f0000000 {\n\t\tdevice_type = "memory";\n\t\treg = <0x0 0xf0000000 0x0 0x0>;\n\t};')
    .replaceAll("0x0 0xfe", "0x0 0x3e").replaceAll("0x0 0xff", "0x0 0x3f").replaceAll("@fe", "@3e").replaceAll("@ff", "@3f");
}
