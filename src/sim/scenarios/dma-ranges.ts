// The bug kind dma-ranges: a driver that maps its buffers with the DMA API (so the caches are
// right) but programs the device with virt_to_phys(buf), the CPU's physical address, instead of
// the DMA address dma_map_single returned. On a board whose DMA master sees memory where the
// CPU does, the two are equal and the driver works; behind a bus whose dma-ranges offset DMA
// addresses (arm64-dma-offset: BCM2711's legacy window, RAM's first GiB at bus 0xc0000000) the
// physical address decodes in no window, the interconnect answers DECERR, and the PL330 faults
// on its first read (data_read_err). The fix gives the device the DMA API's address.

import type { System } from "../../system.js";
import { DMA_BIDIRECTIONAL, DMA_TO_DEVICE } from "../../dma/constants.js";
import { dma_sync_wait } from "../../dmaengine/dmaengine.js";
import { STATUS_NAMES, type DmaChan } from "../../dmaengine/types.js";
import type { DmaAddr } from "../../hw/address.js";
import { pattern, countDifferent } from "../phase.js";
import { kmallocBuffers, mapSingle } from "../managed-buffers.js";
import type { Defer } from "../teardown.js";
import type { BugResult } from "./bug-kinds.js";
import { leaveTreeText } from "../../tree-choice.js";
import { memcpyChannel, submitMemcpy } from "./memcpy-channel.js";

const LEN = 16 * 1024;
/** What the destination holds before each copy: a transfer that never wrote leaves it. */
const DST_FILL = 0xa5;

const hex = (n: number) => "0x" + n.toString(16);

/** FTRn bit 18 (spec pl330 §6): an error response to a read, DECERR included. */
const FT_DATA_READ_ERR = 1 << 18;

/** One memcpy of LEN bytes handed to the device at (dst, src); its status and the log lines
 *  the driver wrote meanwhile. */
function copyAt(s: System, chan: DmaChan, dst: DmaAddr, src: DmaAddr): { status: string; log: string[] } {
  const before = s.kernel.printk.dmesg().length;
  // Not memcpyAndWait: the bug's copy faults (DMA_ERROR), and that status is what it reports.
  const status = STATUS_NAMES[dma_sync_wait(chan, submitMemcpy(chan, dst, src, LEN))] ?? "?";
  return { status, log: s.kernel.printk.dmesg().slice(before).map((l) => l.text) };
}

export function dmaRanges(s: System, defer: Defer): BugResult {
  const { chan, dev } = memcpyChannel(s, defer);
  const [src, dst] = kmallocBuffers(s, [LEN, LEN], defer).vas;
  const data = pattern(LEN, 7);
  const mm = s.kernel.mm;
  const srcPa = mm.virt_to_phys(src);
  const dstPa = mm.virt_to_phys(dst);

  /** The driver's transfer: fill, map, hand the device (dstAddr, srcAddr) of the mapping's
   *  choice, unmap; what landed at the destination's PA (read as the bus delivered it). */
  const run = (addrs: (srcDma: DmaAddr, dstDma: DmaAddr) => [DmaAddr, DmaAddr]) => {
    s.cpu.write(src, data);
    s.cpu.fill(dst, DST_FILL, LEN);
    const srcMap = mapSingle(dev, src, LEN, DMA_TO_DEVICE, defer);
    // Bidirectional, as dmatest maps its destinations: the fill reaches DRAM at map time on
    // both kernels (4.9 arm64 only invalidates a FROM_DEVICE buffer, dropping it).
    const dstMap = mapSingle(dev, dst, LEN, DMA_BIDIRECTIONAL, defer);
    const [devSrc, devDst] = addrs(srcMap.addr, dstMap.addr);
    const r = copyAt(s, chan, devDst, devSrc);
    dstMap.unmap();
    srcMap.unmap();
    const landed = s.machine.backdoor.read(dstPa, LEN);
    return {
      ...r, srcDma: srcMap.addr, dstDma: dstMap.addr,
      wrong: countDifferent(landed, data),
      untouched: landed.filter((b) => b === DST_FILL).length,
    };
  };

  const bug = run(() => [srcPa, dstPa]);
  const fix = run((srcDma, dstDma) => [srcDma, dstDma]);
  const offset = bug.srcDma !== srcPa;
  const fault = bug.log.find((l) => l.includes("FTC-")) ?? "(nothing logged)";
  const ftc = Number.parseInt(/FTC-([0-9a-f]+)/.exec(fault)?.[1] ?? "0", 16);
  const faultType = ftc & FT_DATA_READ_ERR ? "data_read_err, FTR bit 18" : `FTR ${hex(ftc)}`;
  const symptom = !offset
    ? `virt_to_phys gave ${hex(srcPa)} and dma_map_single ${hex(bug.srcDma)}: on this board DMA addresses are physical addresses, so the driver's ` +
      `memcpy copied right (${bug.wrong} wrong bytes, ${bug.status}): the bug is invisible here, and that is the lesson: it bites only on a board whose ` +
      `bus offsets DMA addresses; ${leaveTreeText(s)} (arm64-dma-offset, RAM's first GiB at bus 0xc0000000 as on BCM2711)`
    : `the driver gave the PL330 virt_to_phys addresses (src ${hex(srcPa)}, dst ${hex(dstPa)}) where dma_map_single had returned ${hex(bug.srcDma)} and ` +
      `${hex(bug.dstDma)}: bus ${hex(srcPa)} is in no window of the bus's dma-ranges, the interconnect answered DECERR and the channel faulted on its ` +
      `first read; the driver logged "${fault}" (${faultType}) and the transfer ended ${bug.status}. ${bug.untouched} of ${LEN} bytes at the destination's PA ` +
      `${hex(dstPa)} still hold the 0x${DST_FILL.toString(16)} fill (${bug.wrong} bytes are not the source's)`;
  return {
    kind: "dma-ranges",
    symptom,
    fixed: `with dma_map_single's addresses (src ${hex(fix.srcDma)}, dst ${hex(fix.dstDma)}) the copy ended ${fix.status}: ${fix.wrong} wrong bytes at PA ${hex(dstPa)}`,
    reproduced: bug.wrong > 0 && fix.wrong === 0,
    details: {
      bytes: LEN, srcPhys: srcPa, dstPhys: dstPa, srcDma: bug.srcDma, dstDma: bug.dstDma,
      busOffset: bug.srcDma - srcPa, status: bug.status, faultLog: offset ? fault : "", faultStatus: ftc, wrongBytes: bug.wrong,
      untouchedBytes: bug.untouched, statusWithDmaApi: fix.status, wrongWithDmaApi: fix.wrong,
    },
  };
}
