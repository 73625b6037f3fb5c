// Firmware reservations at boot (fdt_scan_reserved_mem, the reservation block): what the page
// allocator never gets, seen as the "Memory: free/total available" line.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";

/** A Zynq-class board with RAM banks `memory` (reg cells) and the given /reserved-memory children. */
function board(memory: string, reserved: string): string {
  return `/dts-v1/;
/ {
	#address-cells = <1>; #size-cells = <1>;
	compatible = "xlnx,zynq-7000"; model = "reserved-memory test";
	cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { compatible = "arm,cortex-a9"; device_type = "cpu"; reg = <0>; }; };
	memory@0 { device_type = "memory"; reg = ${memory}; };
	reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges; ${reserved} };
};
`;
}

async function freeKiB(memory: string, reserved: string): Promise<number> {
  const s = await createSystem({ dts: board(memory, reserved) });
  const line = s.kernel.printk.grep("Memory: ")[0];
  return Number(/Memory: (\d+)K\//.exec(line)![1]);
}

describe("/reserved-memory", () => {
  it("reserves an okay child and skips a disabled one", async () => {
    const ram = "<0x0 0x10000000>";
    const none = await freeKiB(ram, "");
    expect(await freeKiB(ram, "fw@8000000 { reg = <0x8000000 0x100000>; no-map; };")).toBe(none - 1024);
    expect(await freeKiB(ram, 'fw@8000000 { reg = <0x8000000 0x100000>; status = "disabled"; };')).toBe(none);
  });

  it("reserves the part in RAM of a region that starts below it", async () => {
    // Two banks with a hole between; 0x0ff00000-0x100fffff: its upper 1 MiB is the first MiB
    // of the second bank.
    const ram = "<0x0 0x8000000>, <0x10000000 0x8000000>";
    const none = await freeKiB(ram, "");
    expect(await freeKiB(ram, "fw@ff00000 { reg = <0x0ff00000 0x200000>; };")).toBe(none - 1024);
  });
});
