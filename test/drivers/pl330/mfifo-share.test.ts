// The memcpy burst length starts from this channel's share of the MFIFO (get_burst_len):
// data_bus_width / 8 × (data_buf_dep / num_chan) >> brst_size, at most 16. The RK3399's
// DMAC_BUS (ff6d0000: DBUFF-32x8bytes, 6 channels) has a share of 32 / 6 = 5 lines (C integer
// division) of 8 bytes: 40 bytes, 5 beats of 8 bytes — below the 16 the other DMACs reach.
//   modern: brst_len = 5 (no divisibility search; a tail takes the rest).
//   4.9: 5 × 8 = 40 does not divide 4096, 4 × 8 = 32 does → SB4.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createSystem } from "../../../src/create.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import { dma_request_channel } from "../../../src/dmaengine/dmaengine.js";
import { dma_async_issue_pending, dmaengine_prep_dma_memcpy, dmaengine_submit } from "../../../src/dmaengine/transfer.js";
import { DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../../src/dmaengine/types.js";
import { disassemble } from "../../../src/tools/pl330/disassembler.js";
import type { Pl330Chan } from "../../../src/drivers/pl330/channel.js";

const shared = (f: string) => new Uint8Array(readFileSync(new URL(`../../../../shared/devicetree/${f}`, import.meta.url)));

describe("memcpy burst length from the MFIFO share (RK3399 DMAC_BUS: 32 lines, 6 channels)", () => {
  it.each([["modern", "SB5"], ["v4.9", "SB4"]] as const)("%s: 4096 bytes of 8-byte beats start as %s", async (kernel, sb) => {
    const s = await createSystem({ dtb: shared("rk3399-rockpro64.dtb"), dtbName: "rk3399-rockpro64.dtb", memory: "1G", kernel });
    const chan = dma_request_channel(s, DMA_MEMCPY, (c) => c.device.dev.name === "ff6d0000.dma-controller")!;
    expect(chan.device.dev.name).toBe("ff6d0000.dma-controller");
    const src = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    const dst = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, 4096, DMA_PREP_INTERRUPT)!);
    dma_async_issue_pending(chan);
    const code = s.cpu.read((chan.priv as Pl330Chan).thread!.req[0].mc_cpu, 16);
    expect(disassemble(code)[0].text).toMatch(new RegExp(`^DMAMOV CCR, ${sb} SS64 SAI .* D${sb.slice(1)} DS64 `));
  });
});
