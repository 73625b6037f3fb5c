// The boards dmasim knows by name: a device tree shipped in examples/boards and the machine
// profile of its SoC.

import { ARM64_A53, ZYNQ_7000, type MachineProfile } from "./hw/profile.js";

export interface BuiltinBoard {
  dtb: string; // path from the package root
  profile: MachineProfile;
  description: string;
}

/** Without a prototype, so that "constructor" or "toString" is no board (a --board constructor
 *  went on to read the file "undefined"). */
export const BOARDS: Record<string, BuiltinBoard> = Object.assign(Object.create(null) as Record<string, BuiltinBoard>, {
  "zynq-7000": {
    dtb: "examples/boards/zynq-7000.dtb",
    profile: ZYNQ_7000,
    description: "Zynq-7000: Cortex-A9 + PL310, 512 MiB DDR3, PL330 at 0xf8003000",
  },
  "arm64-ref": {
    dtb: "examples/boards/arm64-ref.dtb",
    profile: ARM64_A53,
    description: "arm64 reference: Cortex-A53, 1 GiB at 0x40000000, PL330 at 0xff6e0000",
  },
  "arm64-highmem": {
    dtb: "examples/boards/arm64-highmem.dtb",
    profile: ARM64_A53,
    description: "arm64 with RAM above 4 GiB: 256 MiB at 0x80000000 and at 0x880000000, PL330 at 0xff6e0000",
  },
  "arm64-dma-offset": {
    dtb: "examples/boards/arm64-dma-offset.dtb",
    profile: ARM64_A53,
    description: "arm64 whose DMA bus offsets addresses: 1 GiB at 0x0, seen by the PL330 at bus 0xc0000000 (BCM2711's window)",
  },
});

/** Why `name` is no board, naming the built-in ones, then what to give instead when the caller
 *  takes a tree of one's own (createSystem's `dtb`, the CLI's --dtb/--dts). */
export function unknownBoardText(name: string, instead?: string): string {
  return `unknown board "${name}" (built in: ${Object.keys(BOARDS).join(", ")})${instead ? `; or ${instead}` : ""}`;
}
