// The pl330 driver's prep_* calls (pl330_prep_dma_memcpy, pl330_prep_slave_sg,
// pl330_prep_dma_cyclic, spec pl330 §12.3) and the slave configuration they apply
// (pl330_config_write, the FIFO mapping of pl330_prep_slave_fifo; 4.9's pl330_config, which
// applies the config at once).

import type { DmaAddr } from "../../hw/address.js";
import {
  DMA_DEV_TO_DEV, DMA_DEV_TO_MEM, DMA_MEM_TO_DEV, DMA_MEM_TO_MEM, is_slave_direction, type DmaSlaveConfig,
  type DmaTransferDirection,
} from "../../dmaengine/types.js";
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_NONE, DMA_TO_DEVICE, type DmaDirection } from "../../dma/constants.js";
import { dma_map_resource, dma_unmap_resource } from "../../dma/resource.js";
import { dma_mapping_error } from "../../dma/mapping.js";
import { for_each_sg, sg_dma_address, sg_dma_len, type Scatterlist } from "../../dma/scatterlist.js";
import { dev_err } from "../../kernel/dev-printk.js";
import type { Pl330Chan } from "./channel.js";
import type { Pl330Desc } from "./desc.js";

const PL330_MAX_BURST = 16;
/** Core cycles for preparing one descriptor (an estimate; docs/calibration.md). */
const PREP_CYCLES = 300;

/** The widest access a bus width allows: __ffs of the width in bytes. */
function ffs(v: number): number {
  return v ? 31 - Math.clz32(v & -v) : 0;
}

function fixupBurstLen(maxburst: number | undefined): number {
  const n = maxburst ?? 0;
  return n > PL330_MAX_BURST ? PL330_MAX_BURST : n < 1 ? 1 : n;
}

/** pl330_config_write: the FIFO address, access width and burst length of one direction. */
export function configWrite(pch: Pl330Chan, direction: DmaTransferDirection): void {
  if (pch.kernel.version === "v4.9") return;
  const c = pch.slave_config;
  unprepSlaveFifo(pch);
  if (direction === DMA_MEM_TO_DEV) {
    if (c.dst_addr) pch.fifo_addr = c.dst_addr;
    if (c.dst_addr_width) pch.burst_sz = ffs(c.dst_addr_width);
    pch.burst_len = fixupBurstLen(c.dst_maxburst);
  } else if (direction === DMA_DEV_TO_MEM) {
    if (c.src_addr) pch.fifo_addr = c.src_addr;
    if (c.src_addr_width) pch.burst_sz = ffs(c.src_addr_width);
    pch.burst_len = fixupBurstLen(c.src_maxburst);
  }
}

/** Linux 4.9's pl330_config: the FIFO settings of the config's `direction` are applied at once
 *  (a later prep of either direction uses them); a config without a slave direction changes
 *  nothing, and the prep uses what the channel had — 0 and 1-byte accesses from probe
 *  (kzalloc) unless an earlier config set them. Linux is silent; dmasim warns once a channel. */
export function configNow49(pch: Pl330Chan, c: DmaSlaveConfig): number {
  if (c.direction === DMA_MEM_TO_DEV) {
    if (c.dst_addr) pch.fifo_addr = c.dst_addr;
    if (c.dst_addr_width) pch.burst_sz = ffs(c.dst_addr_width);
    if (c.dst_maxburst) pch.burst_len = fixupBurstLen(c.dst_maxburst);
  } else if (c.direction === DMA_DEV_TO_MEM) {
    if (c.src_addr) pch.fifo_addr = c.src_addr;
    if (c.src_addr_width) pch.burst_sz = ffs(c.src_addr_width);
    if (c.src_maxburst) pch.burst_len = fixupBurstLen(c.src_maxburst);
  } else {
    const fifo = `0x${pch.fifo_addr.toString(16)}`;
    pch.kernel.dmaengine.dmasimWarnOnce(
      `slave-config-direction-${pch.chan.name}`,
      `WARNING: dmaengine: ${pch.chan.name}: dma_slave_config without a slave direction: Linux 4.9's pl330_config applies nothing (the FIFO stays at ${fifo}, ${1 << pch.burst_sz}-byte accesses); set direction`,
    );
  }
  return 0;
}

/** pl330_dma_slave_map_dir: the FIFO is mapped for the DMAC as memory would be, so a
 *  MEM_TO_DEV transfer, which writes it, maps it DMA_FROM_DEVICE, and DEV_TO_MEM the reverse. */
function slaveMapDir(dir: DmaTransferDirection): DmaDirection {
  if (dir === DMA_MEM_TO_DEV) return DMA_FROM_DEVICE;
  if (dir === DMA_DEV_TO_MEM) return DMA_TO_DEVICE;
  if (dir === DMA_DEV_TO_DEV) return DMA_BIDIRECTIONAL;
  return DMA_NONE;
}

/** pl330_unprep_slave_fifo: called by pl330_config_write before every slave prep and, last, by
 *  pl330_free_chan_resources, so a released channel leaves no FIFO mapping behind. */
export function unprepSlaveFifo(pch: Pl330Chan): void {
  if (pch.dir !== DMA_NONE) dma_unmap_resource(pch.chan.device.dev, pch.fifo_dma, 1 << pch.burst_sz, pch.dir, 0);
  pch.dir = DMA_NONE;
}

/** pl330_prep_slave_fifo: dma_map_resource of the FIFO register for the transfer's direction,
 *  kept until the direction changes. */
function prepSlaveFifo(pch: Pl330Chan, direction: DmaTransferDirection): boolean {
  // 4.9 programs fifo_addr itself (pl330_prep_slave_fifo and dma_map_resource came in 4.13).
  if (pch.kernel.version === "v4.9") {
    pch.fifo_dma = pch.fifo_addr;
    return true;
  }
  const dmaDir = slaveMapDir(direction);
  if (pch.dir === dmaDir) return true;
  unprepSlaveFifo(pch);
  const dev = pch.chan.device.dev;
  pch.fifo_dma = dma_map_resource(dev, pch.fifo_addr, 1 << pch.burst_sz, dmaDir, 0);
  if (dma_mapping_error(dev, pch.fifo_dma)) return false;
  pch.dir = dmaDir;
  return true;
}

/** This channel's share of the MFIFO in beats of 2^brstSize bytes, at most PL330_MAX_BURST: the
 *  longest memcpy burst both kernels start from. */
function mfifoShareBeats(pch: Pl330Chan, brstSize: number): number {
  const pcfg = pch.dmac.pcfg;
  const beats = ((pcfg.data_bus_width / 8) * Math.floor(pcfg.data_buf_dep / pcfg.num_chan)) >> brstSize;
  return Math.min(beats, PL330_MAX_BURST);
}

/** Linux 4.9's get_burst_len ("Call after fixing burst size"): this channel's share of the
 *  MFIFO in beats, at most 16, then the longest burst that divides the length, so 4.9's
 *  _setup_req, which has no tail for leftover beats, never refuses a memcpy. 4.9's own
 *  drivers/dma/pl330.c was not available; this follows the 4.13–4.17-era copy that stands in
 *  for it (ARIES-Embedded/linux-socfpga at 0d658e3e3155b1ee88ddc4e26b8f583090ba17a4,
 *  drivers/dma/pl330.c, as program.ts ldstPeripheral49). dmasim's memcpy_max_burst caps the
 *  start of the search, so the burst it finds still divides the length. */
function getBurstLen49(pch: Pl330Chan, brstSize: number, len: number): number {
  let burstLen = mfifoShareBeats(pch, brstSize);
  const cap = pch.dmac.params.memcpy_max_burst;
  if (cap > 0) burstLen = Math.min(burstLen, cap);
  while (burstLen > 1) {
    if (len % (burstLen << brstSize) === 0) break;
    burstLen--;
  }
  return burstLen;
}

/** A one-shot prep on a channel an earlier cyclic ring left cyclic (terminate_all keeps the flag;
 *  only pl330_alloc_chan_resources clears it): Linux accepts it silently and never completes the
 *  transfer's cookie (channel.ts terminateAll). dmasim says so once per channel. */
function warnLeftCyclic(pch: Pl330Chan, prep: string): void {
  if (!pch.cyclic) return;
  pch.kernel.dmaengine.dmasimWarnOnce(
    `left-cyclic-${pch.chan.name}`,
    `WARNING: dmaengine: ${pch.chan.name}: ${prep} on a channel still cyclic from an earlier ring (dmasim): Linux's pl330 clears that only when the channel is released, so this transfer's cookie never completes; release the channel and request it again`,
  );
}

/** pl330_prep_dma_memcpy: the widest beat that divides src, dst and len; the longest burst
 *  that fits this channel's share of the MFIFO (4.9: the longest of those that divides len). */
export function prepMemcpy(pch: Pl330Chan, dst: DmaAddr, src: DmaAddr, len: number): Pl330Desc | null {
  if (!pch.thread || !len || len < 0) return null;
  warnLeftCyclic(pch, "pl330_prep_dma_memcpy");
  pch.kernel.machine.cpu.spend(PREP_CYCLES);
  const dmac = pch.dmac;
  const pcfg = dmac.pcfg;
  const desc = pch.pool.get(pch);
  desc.px = { src_addr: src, dst_addr: dst, bytes: len };
  desc.rqcfg.src_inc = true;
  desc.rqcfg.dst_inc = true;
  desc.rqtype = DMA_MEM_TO_MEM;
  let burst = pcfg.data_bus_width / 8;
  while ((src | dst | len) & (burst - 1)) burst /= 2;
  desc.rqcfg.brst_size = Math.log2(burst);
  desc.bytes_requested = len;
  // 4.9 also sets brst_len = 1 for a beat narrower than the bus, but get_burst_len overwrites it.
  if (pch.kernel.version === "v4.9") {
    desc.rqcfg.brst_len = getBurstLen49(pch, desc.rqcfg.brst_size, len);
    return desc;
  }
  desc.rqcfg.brst_len = Math.max(1, mfifoShareBeats(pch, desc.rqcfg.brst_size));
  // A burst narrower than the bus could straddle an MFIFO entry: one beat at a time.
  if (burst * 8 < pcfg.data_bus_width) desc.rqcfg.brst_len = 1;
  if (dmac.params.memcpy_max_burst > 0) desc.rqcfg.brst_len = Math.min(desc.rqcfg.brst_len, dmac.params.memcpy_max_burst);
  return desc;
}

/** Fills a slave descriptor: memory on one side (incrementing), the FIFO on the other. */
function fillSlave(pch: Pl330Chan, desc: Pl330Desc, direction: DmaTransferDirection, mem: DmaAddr, len: number): void {
  const toDev = direction === DMA_MEM_TO_DEV;
  desc.rqcfg.src_inc = toDev;
  desc.rqcfg.dst_inc = !toDev;
  desc.px = toDev ? { src_addr: mem, dst_addr: pch.fifo_dma, bytes: len } : { src_addr: pch.fifo_dma, dst_addr: mem, bytes: len };
  desc.rqtype = direction;
  desc.rqcfg.brst_size = pch.burst_sz;
  desc.rqcfg.brst_len = slaveBurstLen(pch);
  desc.bytes_requested = len;
}

/** Beats per burst of the channel's slave transfers. Before 4.18 (Frank Mori Hess's change made
 *  it pch->burst_len) pl330_prep_slave_sg and pl330_prep_dma_cyclic set "desc->rqcfg.brst_len =
 *  1" whatever the maxburst: 4.9's slave transfers are single beats (the 4.13-era copy cited in
 *  program.ts ldstPeripheral49). */
export function slaveBurstLen(pch: Pl330Chan): number {
  return pch.kernel.version === "v4.9" ? 1 : pch.burst_len;
}

/** Gives back the descriptors of a prep that could not finish. */
function giveBack(pch: Pl330Chan, descs: Pl330Desc[]): null {
  for (const d of descs) pch.pool.put(d);
  return null;
}

const TRANSFER_DIRECTION_NAMES = ["DMA_MEM_TO_MEM", "DMA_MEM_TO_DEV", "DMA_DEV_TO_MEM", "DMA_DEV_TO_DEV", "DMA_TRANS_NONE"];

/** pl330_prep_slave_sg has no direction check (4.9 and modern; only pl330_prep_dma_cyclic has
 *  one): any direction but MEM_TO_DEV is laid out as DEV_TO_MEM and keeps its rqtype. Linux is
 *  silent; dmasim says what follows, once a channel and direction. */
function warnNotSlave(pch: Pl330Chan, direction: DmaTransferDirection): void {
  const name = TRANSFER_DIRECTION_NAMES[direction] ?? `direction ${direction}`;
  const fifo = `0x${pch.fifo_dma.toString(16)}`;
  const outcome = direction === DMA_MEM_TO_MEM
    ? `it becomes a memory-to-memory program that reads ${fifo} as memory, without the peripheral's flow control`
    : `pl330_submit_req refuses its rqtype when it is issued, so fill_queue reports "Bad Desc" and nothing moves`;
  pch.kernel.dmaengine.dmasimWarnOnce(
    `slave-sg-direction-${pch.chan.name}-${direction}`,
    `WARNING: dmaengine: ${pch.chan.name}: pl330_prep_slave_sg with ${name}, not a slave direction (dmasim): Linux's pl330 does not refuse it: ${outcome}`,
  );
}

/** pl330_prep_slave_sg: one descriptor per scatterlist entry, walked with for_each_sg so a
 *  chained list (sg_chain) is followed; the last one is returned. */
export function prepSlaveSg(pch: Pl330Chan, sgl: Scatterlist[], sgLen: number, direction: DmaTransferDirection): Pl330Desc | null {
  if (!pch.thread || !sgl?.length || sgLen <= 0) return null;
  warnLeftCyclic(pch, "pl330_prep_slave_sg");
  configWrite(pch, direction);
  // A MEM_TO_MEM maps as DMA_NONE, which pch.dir already is after pl330_config_write's unprep:
  // the FIFO is not mapped again and the last mapping's fifo_dma is used.
  if (!prepSlaveFifo(pch, direction)) return null;
  if (!is_slave_direction(direction)) warnNotSlave(pch, direction);
  const descs: Pl330Desc[] = [];
  for_each_sg(sgl, sgLen, (sg) => {
    pch.kernel.machine.cpu.spend(PREP_CYCLES);
    const desc = pch.pool.get(pch);
    fillSlave(pch, desc, direction, sg_dma_address(sg), sg_dma_len(sg));
    descs.push(desc);
  });
  // A list that ends (or whose chain runs out) before sg_len entries.
  if (descs.length < sgLen) return giveBack(pch, descs);
  const last = descs[descs.length - 1];
  last.chain = descs.slice(0, -1);
  return last;
}

/** pl330_prep_dma_cyclic: one descriptor per period, put back in the ring after each. */
export function prepCyclic(
  pch: Pl330Chan, dmaAddr: DmaAddr, len: number, periodLen: number, direction: DmaTransferDirection,
): Pl330Desc | null {
  if (!pch.thread || periodLen <= 0 || len <= 0 || len % periodLen !== 0) return null;
  if (!is_slave_direction(direction)) {
    dev_err(pch.chan.device.dev, "pl330_prep_dma_cyclic: Invalid dma direction");
    return null;
  }
  configWrite(pch, direction);
  if (!prepSlaveFifo(pch, direction)) return null;
  const descs: Pl330Desc[] = [];
  for (let i = 0; i < len / periodLen; i++) {
    pch.kernel.machine.cpu.spend(PREP_CYCLES);
    const desc = pch.pool.get(pch);
    fillSlave(pch, desc, direction, dmaAddr + i * periodLen, periodLen);
    descs.push(desc);
  }
  const last = descs[descs.length - 1];
  last.chain = descs.slice(0, -1);
  pch.cyclic = true;
  return last;
}
