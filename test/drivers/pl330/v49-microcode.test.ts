// Linux 4.9's peripheral microcode, as a UART TX and an ADC RX period get it, disassembled and
// compared with the programs derived by hand from a 4.13–4.17-era drivers/dma/pl330.c
// (ARIES-Embedded/linux-socfpga 0d658e3e3155b1ee88ddc4e26b8f583090ba17a4; 4.9's own file was not
// available, and the generators did not change between them). The lines the programs follow:
//
//   pl330_prep_slave_sg / pl330_prep_dma_cyclic:
//       desc->rqcfg.brst_size = pch->burst_sz;
//       desc->rqcfg.brst_len = 1;                       (maxburst is not used)
//   _ldst_memtodev (_ldst_devtomem the same with _emit_LDP(cond) and _emit_ST(ALWAYS)):
//       if (pl330->quirks & PL330_QUIRK_BROKEN_NO_FLUSHP) cond = BURST; else cond = SINGLE;
//       while (cyc--) {
//           off += _emit_WFP(dry_run, &buf[off], cond, pxs->desc->peri);
//           off += _emit_LD(dry_run, &buf[off], ALWAYS);
//           off += _emit_STP(dry_run, &buf[off], cond, pxs->desc->peri);
//           if (!(pl330->quirks & PL330_QUIRK_BROKEN_NO_FLUSHP))
//               off += _emit_FLUSHP(dry_run, &buf[off], pxs->desc->peri);
//       }
//   _loop, for bursts <= 256: lcnt1 = *bursts; lcnt0 = 0; cyc = 1; one DMALP_1 around one body.
//   _setup_req: DMAMOV CCR; then (_setup_xfer) DMAMOV SAR, DMAMOV DAR, the loops; DMASEV; DMAEND.
//       if (x->bytes % (BRST_SIZE(pxs->ccr) * BRST_LEN(pxs->ccr))) return -EINVAL;

import { describe, expect, it } from "vitest";
import { ADC_NODE, zynqWith } from "../../helpers/zynq-peripherals.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import { dma_request_chan, dmaengine_slave_config, dma_sync_wait } from "../../../src/dmaengine/dmaengine.js";
import {
  dma_async_issue_pending, dmaengine_prep_dma_cyclic, dmaengine_prep_slave_single,
} from "../../../src/dmaengine/transfer.js";
import { dmaengine_submit } from "../../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_DEV_TO_MEM, DMA_ERROR, DMA_MEM_TO_DEV } from "../../../src/dmaengine/types.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { writel } from "../../../src/kernel/io.js";
import { disassemble } from "../../../src/tools/pl330/disassembler.js";
import type { Pl330Chan } from "../../../src/drivers/pl330/channel.js";
import type { DmaChan } from "../../../src/dmaengine/types.js";
import type { System } from "../../../src/system.js";

type Kernel = "modern" | "v4.9";
const PERIPHERALS = {
  "serial@e0001000": { tx: { baud: 10_000_000, depth: 16 } },
  "adc@e0008000": { rx: { sampleRateHz: 1e6, sampleBytes: 2, burstBytes: 16, depth: 64 } },
};
const hex8 = (v: number) => `0x${v.toString(16).padStart(8, "0")}`;

/** The program in request slot 0 of the channel's thread, up to its DMAEND, as text. */
function program(s: System, chan: DmaChan): string[] {
  const code = s.cpu.read((chan.priv as Pl330Chan).thread!.req[0].mc_cpu, 128);
  const texts = disassemble(code).map((l) => l.text);
  return texts.slice(0, texts.indexOf("DMAEND") + 1);
}

const eventOf = (chan: DmaChan) => (chan.priv as Pl330Chan).thread!.ev;

/** 100 bytes to the UART's TX FIFO (peripheral 0) with 1-byte accesses and maxburst 16. */
async function uartTx(kernel: Kernel) {
  const s = await zynqWith(ADC_NODE, PERIPHERALS, kernel);
  const chan = dma_request_chan(s.device("e0001000.serial"), "tx");
  expect(dmaengine_slave_config(chan, { direction: DMA_MEM_TO_DEV, dst_addr: 0xe0001000, dst_addr_width: 1, dst_maxburst: 16 })).toBe(0);
  const buf = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
  const cookie = dmaengine_submit(dmaengine_prep_slave_single(chan, buf.dmaAddr, 100, DMA_MEM_TO_DEV, 0)!);
  dma_async_issue_pending(chan);
  return { s, chan, mem: buf.dmaAddr, cookie };
}

/** A cyclic capture of 4 periods of 512 bytes from the ADC's RX FIFO (peripheral 2), 2-byte
 *  samples, maxburst 8; `period` overrides the period length. */
async function adcRx(kernel: Kernel, period = 512) {
  const s = await zynqWith(ADC_NODE, PERIPHERALS, kernel);
  const chan = dma_request_chan(s.device("e0008000.adc"), "rx");
  expect(dmaengine_slave_config(chan, { direction: DMA_DEV_TO_MEM, src_addr: 0xe0008000, src_addr_width: 2, src_maxburst: 8 })).toBe(0);
  const ring = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
  const cookie = dmaengine_submit(dmaengine_prep_dma_cyclic(chan, ring.dmaAddr, 4 * period, period, DMA_DEV_TO_MEM, 0)!);
  dma_async_issue_pending(chan);
  return { s, chan, mem: ring.dmaAddr, cookie };
}

describe("Linux 4.9 pl330 peripheral microcode", () => {
  it("UART TX, 100 single bytes: one DMALP of 100 around WFPS, LD, STPS, FLUSHP", async () => {
    const { s, chan, mem } = await uartTx("v4.9");
    // CCR: brst_len 1 (not maxburst 16), 1-byte beats, source incrementing, secure.
    expect(program(s, chan)).toEqual([
      "DMAMOV CCR, SB1 SS8 SAI SP0 SC0 DB1 DS8 DAF DP0 DC0 ES8",
      `DMAMOV SAR, ${hex8(mem)}`,
      "DMAMOV DAR, 0xe0001000",
      "DMALP LC1, 100",
      "DMAWFP P0, single",
      "DMALD",
      "DMASTPS P0",
      "DMAFLUSHP P0",
      "DMALPEND LC1 ; back 7 to 0x0014",
      `DMASEV E${eventOf(chan)}`,
      "DMAEND",
    ]);
  });

  it("ADC RX period of 512 bytes, 2-byte samples: one DMALP of 256 around WFPS, LDPS, ST, FLUSHP", async () => {
    const { s, chan, mem } = await adcRx("v4.9");
    expect(program(s, chan)).toEqual([
      "DMAMOV CCR, SB1 SS16 SAF SP0 SC0 DB1 DS16 DAI DP0 DC0 ES8",
      "DMAMOV SAR, 0xe0008000",
      `DMAMOV DAR, ${hex8(mem)}`,
      "DMALP LC1, 256",
      "DMAWFP P2, single",
      "DMALDPS P2",
      "DMAST",
      "DMAFLUSHP P2",
      "DMALPEND LC1 ; back 7 to 0x0014",
      `DMASEV E${eventOf(chan)}`,
      "DMAEND",
    ]);
  });

  it("modern keeps maxburst, flushes once before the loop and loads conditionally (4.18's _ldst_peripheral)", async () => {
    const tx = await uartTx("modern");
    // 100 bytes in bursts of 16: 6 bursts, then a 4-beat tail with its own CCR.
    expect(program(tx.s, tx.chan).slice(0, 1).concat(program(tx.s, tx.chan).slice(3))).toEqual([
      "DMAMOV CCR, SB16 SS8 SAI SP0 SC0 DB16 DS8 DAF DP0 DC0 ES8",
      "DMALP LC1, 6",
      "DMAFLUSHP P0",
      "DMAWFP P0, burst",
      "DMALDB",
      "DMASTPB P0",
      "DMALPEND LC1 ; back 7 to 0x0014",
      "DMAMOV CCR, SB4 SS8 SAI SP0 SC0 DB4 DS8 DAF DP0 DC0 ES8",
      "DMAFLUSHP P0",
      "DMAWFP P0, burst",
      "DMALDB",
      "DMASTPB P0",
      `DMASEV E${eventOf(tx.chan)}`,
      "DMAEND",
    ]);
  });

  it("runs on 4.9 although maxburst 16 is more than the UART requests (it raises single requests)", async () => {
    const { s, chan, cookie } = await uartTx("v4.9");
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
    expect(s.dmesg()).not.toMatch(/Bad Desc/);
  });

  it("a 4.9 slave transfer that is not whole samples is refused (_setup_req -EINVAL: Bad Desc); modern runs it", async () => {
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await zynqWith(ADC_NODE, PERIPHERALS, kernel);
      const chan = dma_request_chan(s.device("e0008000.adc"), "rx");
      expect(dmaengine_slave_config(chan, { direction: DMA_DEV_TO_MEM, src_addr: 0xe0008000, src_addr_width: 2, src_maxburst: 1 })).toBe(0);
      const buf = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
      const cookie = dmaengine_submit(dmaengine_prep_slave_single(chan, buf.dmaAddr, 511, DMA_DEV_TO_MEM, 0)!);
      dma_async_issue_pending(chan);
      // The ADC's control register: sampling on, DMA requests on (src/drivers/adc-dma-client.ts).
      writel(s.machine, 0b11, s.kernel.mm.ioremap(0xe0008000, 0x100)! + 0x08);
      expect(dma_sync_wait(chan, cookie), kernel).toBe(kernel === "v4.9" ? DMA_ERROR : DMA_COMPLETE);
      expect(/fill_queue: Bad Desc/.test(s.dmesg()), kernel).toBe(kernel === "v4.9");
    }
  });

  it("a 4.9 cyclic ring whose periods are not whole samples livelocks the tasklet, and dmasim stops it with a KernelBug instead of hanging", async () => {
    // pl330_tasklet puts a refused cyclic descriptor back on work_list as PREP and fill_queue
    // refuses it again, scheduling the tasklet again: Linux spins in ksoftirqd.
    const s = await zynqWith(ADC_NODE, PERIPHERALS, "v4.9");
    const chan = dma_request_chan(s.device("e0008000.adc"), "rx");
    expect(dmaengine_slave_config(chan, { direction: DMA_DEV_TO_MEM, src_addr: 0xe0008000, src_addr_width: 2, src_maxburst: 1 })).toBe(0);
    const buf = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    const cookie = dmaengine_submit(dmaengine_prep_dma_cyclic(chan, buf.dmaAddr, 511 * 4, 511, DMA_DEV_TO_MEM, 0)!);
    expect(() => {
      dma_async_issue_pending(chan);
      dma_sync_wait(chan, cookie);
    }).toThrow(/kernel BUG at kernel\/softirq\.c: tasklets rescheduled themselves 10000 times in one pass: a softirq livelock/);
    expect(s.dmesg()).toMatch(/fill_queue: Bad Desc/);
    // The queue was dropped: the System still answers.
    expect(s.kernel.irq.handlePending()).toBeGreaterThanOrEqual(0);
  });
});
