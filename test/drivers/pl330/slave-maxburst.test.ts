// pl330_config_write's fixup_burst_len (modern drivers/dma/pl330.c): a maxburst above
// PL330_MAX_BURST (16) is cut to 16 and one below 1 becomes 1, since the CCR burst-length fields
// are 4 bits wide (SB1..SB16, CoreLink DMA-330 TRM §3.3.14). Checked in the CCR the program
// loads: 100 bytes of 1-byte beats to the UART's TX FIFO.

import { describe, expect, it } from "vitest";
import { zynqWith } from "../../helpers/zynq-peripherals.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import { dma_request_chan, dmaengine_slave_config, dmaengine_submit } from "../../../src/dmaengine/dmaengine.js";
import { dma_async_issue_pending, dmaengine_prep_slave_single } from "../../../src/dmaengine/transfer.js";
import { DMA_MEM_TO_DEV } from "../../../src/dmaengine/types.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { disassemble } from "../../../src/tools/pl330/disassembler.js";
import type { Pl330Chan } from "../../../src/drivers/pl330/channel.js";

/** The CCR the first DMAMOV of the channel's program sets, as the disassembler prints it. */
async function firstCcr(maxburst: number): Promise<string> {
  const s = await zynqWith("", { "serial@e0001000": { tx: { baud: 10_000_000, depth: 16 } } });
  const chan = dma_request_chan(s.device("e0001000.serial"), "tx");
  expect(dmaengine_slave_config(chan, { dst_addr: 0xe0001000, dst_addr_width: 1, dst_maxburst: maxburst })).toBe(0);
  const buf = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
  dmaengine_submit(dmaengine_prep_slave_single(chan, buf.dmaAddr, 100, DMA_MEM_TO_DEV, 0)!);
  dma_async_issue_pending(chan);
  const code = s.cpu.read((chan.priv as Pl330Chan).thread!.req[0].mc_cpu, 16);
  return disassemble(code)[0].text;
}

describe("pl330 slave maxburst", () => {
  it("cuts a maxburst of 20 to 16-beat bursts (not 20 - 1 = 19 masked to 4 bits: SB4)", async () => {
    expect(await firstCcr(20)).toBe("DMAMOV CCR, SB16 SS8 SAI SP0 SC0 DB16 DS8 DAF DP0 DC0 ES8");
  });

  it("takes a maxburst of 0 as single beats", async () => {
    expect(await firstCcr(0)).toBe("DMAMOV CCR, SB1 SS8 SAI SP0 SC0 DB1 DS8 DAF DP0 DC0 ES8");
  });
});
