// A PL330 on a `dma-coherent` port (Zynq's ACP, an arm64 CCI port): Linux does no cache
// maintenance for it, so the microcode the driver writes, the source bytes and the destination
// all live in the CPU's caches — the DMAC must see them there and its writes must reach them.

import { describe, expect, it } from "vitest";
import { editedSystem } from "../helpers/edited-system.js";
import { run as memcpy } from "../../src/sim/scenarios/memcpy.js";
import type { DeviceTree } from "../../src/of/node.js";

const coherentPl330 = (tree: DeviceTree) => {
  for (const n of tree.compatibleNodes("arm,pl330")) n.properties.set("dma-coherent", new Uint8Array());
};

describe("a dma-coherent PL330 on a booted board", () => {
  it.each(["zynq-7000", "arm64-ref"] as const)("copies cached buffers with cached microcode on %s", async (board) => {
    const s = await editedSystem(board, coherentPl330);
    const dev = s.device(s.board.dmacs[0].node.name.replace(/^(.*)@(.*)$/, "$2.$1"));
    expect(dev.dma_coherent).toBe(true);
    for (const buffers of ["coherent", "streaming"]) {
      const r = memcpy(s, { size: "64K", buffers });
      expect(r.ok).toBe(true);
    }
  });
});
