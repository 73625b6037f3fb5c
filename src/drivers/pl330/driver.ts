// pl330_probe: binding the driver to an "arm,pl330" AMBA device (spec pl330 §12.1): map the
// registers (the AMBA bus checked the peripheral ID before: kernel/amba-id.ts), take the DT quirks, request its interrupts (on the
// AMBA bus, up to the first that did not resolve), read the configuration, allocate the
// microcode buffer and descriptor pool, register the dmaengine device with its slave
// capabilities and the device-tree translation for `dmas = <&dmac N>`.

import type { PlatformDevice } from "../../kernel/device.js";
import { EINVAL, ENODEV, ENOMEM, ENXIO, IS_ERR, errnoName } from "../../kernel/errno.js";
import { dev_err, dev_err_probe, dev_info, dev_notice } from "../../kernel/dev-printk.js";
import { GFP_KERNEL } from "../../mm/gfp.js";
import { dma_alloc_attrs, dma_free_coherent } from "../../dma/mapping.js";
import type { DmaAddr, VirtAddr } from "../../hw/address.js";
import { DMA_ATTR_PRIVILEGED } from "../../dma/constants.js";
import {
  DmaChan, DmaDevice, DMA_CYCLIC, DMA_DEV_TO_MEM, DMA_MEMCPY, DMA_MEM_TO_DEV, DMA_PRIVATE, DMA_RESIDUE_GRANULARITY_BURST,
  DMA_SLAVE, DMA_SLAVE_BUSWIDTH_1_BYTE, DMA_SLAVE_BUSWIDTH_2_BYTES, DMA_SLAVE_BUSWIDTH_4_BYTES, DMA_SLAVE_BUSWIDTH_8_BYTES,
  DMA_SLAVE_BUSWIDTH_UNDEFINED,
} from "../../dmaengine/types.js";
import { IRQ_HANDLED, IRQ_NONE } from "../../kernel/irq.js";
import { devm_free_irq, devm_request_irq } from "../../kernel/devm-irq.js";
import { devm_ioremap_resource } from "../../kernel/devm-ioremap.js";
import { Pl330Dmac, MCBUFSZ } from "./dmac.js";
import { Pl330Chan } from "./channel.js";
import { Pl330DescPool } from "./desc.js";
import { prepCyclic, prepMemcpy, prepSlaveSg } from "./prep.js";
import { PL330_QUIRK_BROKEN_NO_FLUSHP, PL330_QUIRK_PERIPH_BURST } from "./program.js";
import * as R from "./regs.js";
import { AMBA_CID, ambaIdWords } from "../../kernel/amba-id.js";
import { amba_device_irqs, ambaIrqZeroText, irqEntryFailure, irqEntryPastGic, PAST_GIC_MAPPED } from "../../of/amba-irq.js";

export const PL330_MAX_SEG_SIZE = 1900800;
const PL330_MAX_BURST = 16;

const PL330_DMA_BUSWIDTHS =
  (1 << DMA_SLAVE_BUSWIDTH_UNDEFINED) | (1 << DMA_SLAVE_BUSWIDTH_1_BYTE) | (1 << DMA_SLAVE_BUSWIDTH_2_BYTES) |
  (1 << DMA_SLAVE_BUSWIDTH_4_BYTES) | (1 << DMA_SLAVE_BUSWIDTH_8_BYTES);

const OF_QUIRKS: [string, number][] = [
  ["arm,pl330-broken-no-flushp", PL330_QUIRK_BROKEN_NO_FLUSHP],
  ["arm,pl330-periph-burst", PL330_QUIRK_PERIPH_BURST],
];

export interface Pl330Driver {
  dmac: Pl330Dmac;
  ddma: DmaDevice;
  peripherals: Pl330Chan[];
  /** The registers (devm_ioremap_resource: devres unmaps them after pl330_remove). */
  base: VirtAddr;
  irqs: number[];
  mcode: { size: number; cpuAddr: VirtAddr; dmaAddr: DmaAddr };
}

function requestIrq(pdev: PlatformDevice, dmac: Pl330Dmac, irq: number): number {
  return devm_request_irq(pdev, irq, () => (dmac.update() ? IRQ_HANDLED : IRQ_NONE), 0, pdev.name, dmac);
}

/** Requests interrupts entry `i`'s irq. One past the GIC's IDs is requested as Linux requests it
 *  (request_irq succeeds), and dmasim notes that it never fires. */
function requestEntryIrq(pdev: PlatformDevice, dmac: Pl330Dmac, i: number, irq: number): number {
  const rc = requestIrq(pdev, dmac, irq);
  const why = rc === 0 ? irqEntryPastGic(pdev, i) : undefined;
  if (why) {
    dev_notice(
      pdev,
      `note: interrupts entry ${i} gives irq ${irq}, which never fires (${why}) (dmasim): ${PAST_GIC_MAPPED}, ` +
        "and pl330_probe requests it: the controller binds, silently; a transfer whose event raises it never completes",
    );
  }
  return rc;
}

/** pl330_probe's loop over adev->irq[] (4.9 and 6.x alike): request each, stopping at the first
 *  0 without an error. An entry the AMBA bus could not resolve is such a 0, so the controller
 *  binds without it and the interrupts after it; a channel whose event raises one of them never
 *  completes. Linux says nothing: dmasim notes which entry, why, and what follows. */
function requestAmbaIrqs(pdev: PlatformDevice, dmac: Pl330Dmac, irqs: number[]): number {
  const { irq, failure } = amba_device_irqs(pdev);
  for (const [i, line] of irq.entries()) {
    if (!line) break;
    const rc = requestEntryIrq(pdev, dmac, i, line);
    if (rc < 0) return rc;
    irqs.push(line);
  }
  if (failure) {
    const last = irq.length - 1;
    const lost = failure.index === last ? `interrupts entry ${last}` : `interrupts entries ${failure.index} to ${last}`;
    const outcome = irqs.length
      ? `${irqs.map((l) => `irq ${l}`).join(", ")} only. The controller binds without ${lost}, silently; a transfer whose event raises ${failure.index === last ? "it" : "one of them"} never completes`
      : "none. The controller binds with no interrupt, silently; no transfer completes";
    dev_notice(
      pdev,
      `note: interrupts entry ${failure.index} gives no interrupt (${errnoName(failure.errno)}: ${failure.why}) (dmasim): ` +
        `${ambaIrqZeroText(pdev.kernel.version, failure.index)}, and pl330_probe requests adev->irq[] up to the first 0: ${outcome}`,
    );
  }
  return 0;
}

/** A PL330 node without "arm,primecell" is a platform device here (Linux's pl330 would not bind
 *  it at all): every interrupt must resolve. */
function requestPlatformIrqs(pdev: PlatformDevice, dmac: Pl330Dmac, irqs: number[]): number {
  for (let i = 0; i < pdev.irqs.length; i++) {
    // An entry that resolved to no GIC line: request_irq would fail with -EINVAL and say nothing.
    const failure = irqEntryFailure(pdev, i);
    if (failure) return dev_err_probe(pdev, failure.errno, `IRQ index ${i} not found: ${failure.why} (dmasim)`);
    const irq = pdev.irq(i);
    const rc = requestEntryIrq(pdev, dmac, i, irq);
    if (rc < 0) return rc;
    irqs.push(irq);
  }
  return 0;
}

/** The peripheral ID of a PL330 on the platform bus, -ENODEV when its registers give another. */
function platformPeriphid(pdev: PlatformDevice, dmac: Pl330Dmac, start: number): number {
  const { pid, cid } = ambaIdWords((off) => dmac.readl(R.PERIPH_ID + off));
  if (cid !== AMBA_CID || ((pid & R.PL330_AMBA_MASK) >>> 0) !== R.PL330_AMBA_ID) {
    dev_err(pdev, `no PL330 at 0x${start.toString(16)} (periphid 0x${pid.toString(16)}) (dmasim)`);
    return -ENODEV;
  }
  return pid;
}

export function pl330_probe(pdev: PlatformDevice): number {
  const k = pdev.kernel;
  const res = pdev.memResource(0);
  if (!res) return dev_err_probe(pdev, -ENXIO, 'no register window: the node has no usable "reg"');
  // devm-managed, as in Linux: a probe failing from here on leaves neither the mapping nor the
  // busy region behind (the bus's devres_release_all).
  const base = devm_ioremap_resource(pdev, res);
  if (IS_ERR(base)) return base;
  const dmac = new Pl330Dmac(k, base, pdev);
  for (const [prop, id] of OF_QUIRKS) if (pdev.ofNode?.has(prop)) dmac.quirks |= id;

  // The AMBA bus matched the device by its peripheral ID (kernel/amba-id.ts): pl330_probe checks
  // none. A PL330 node without "arm,primecell" is dmasim's platform device, which no bus
  // checked: dmasim reads the IDs itself.
  const periphid = pdev.bus === "amba" ? pdev.periphid : platformPeriphid(pdev, dmac, res.start);
  if (periphid < 0) return periphid;

  const irqs: number[] = [];
  const requested = pdev.bus === "amba" ? requestAmbaIrqs(pdev, dmac, irqs) : requestPlatformIrqs(pdev, dmac, irqs);
  if (requested < 0) return requested;

  dmac.readConfig();
  if (dmac.pcfg.num_events === 0) {
    dev_err(pdev, "pl330_add: Can't work without events!");
    return -EINVAL;
  }
  const mc = dma_alloc_attrs(pdev, dmac.pcfg.num_chan * MCBUFSZ, GFP_KERNEL, DMA_ATTR_PRIVILEGED);
  if (!mc) {
    dev_err(pdev, "dmac_alloc_resources: Can't allocate memory!");
    return -ENOMEM;
  }
  dmac.allocThreads(mc.cpuAddr, mc.dmaAddr);

  const pool = new Pl330DescPool();
  const numChan = Math.max(dmac.pcfg.num_peri, dmac.pcfg.num_chan);
  const peripherals: Pl330Chan[] = [];
  const pchOf = (chan: DmaChan) => chan.priv as Pl330Chan;
  const ddma = new DmaDevice(pdev, {
    device_alloc_chan_resources: (chan) => pchOf(chan).allocResources(),
    device_free_chan_resources: (chan) => pchOf(chan).freeResources(),
    device_prep_dma_memcpy: (chan, dst, src, len) => prepMemcpy(pchOf(chan), dst, src, len),
    device_prep_slave_sg: (chan, sgl, sgLen, dir) => prepSlaveSg(pchOf(chan), sgl, sgLen, dir),
    device_prep_dma_cyclic: (chan, addr, len, period, dir) => prepCyclic(pchOf(chan), addr, len, period, dir),
    device_config: (chan, cfg) => pchOf(chan).config(cfg),
    device_tx_status: (chan, cookie, state) => pchOf(chan).txStatus(cookie, state),
    device_issue_pending: (chan) => pchOf(chan).issuePending(),
    device_pause: (chan) => pchOf(chan).pause(),
    device_terminate_all: (chan) => pchOf(chan).terminateAll(),
    pending_cookies: (chan) => pchOf(chan).pendingCookies(),
  });
  for (let i = 0; i < numChan; i++) {
    // With a DT node, channel i serves peripheral request i (desc->peri from chan->private).
    const pch = new Pl330Chan(dmac, pool, pdev.ofNode ? i : 0);
    pch.chan = new DmaChan(ddma, i, pch);
    ddma.channels.push(pch.chan);
    peripherals.push(pch);
  }
  ddma.cap_mask.add(DMA_MEMCPY);
  if (dmac.pcfg.num_peri) {
    ddma.cap_mask.add(DMA_SLAVE);
    ddma.cap_mask.add(DMA_CYCLIC);
    ddma.cap_mask.add(DMA_PRIVATE);
  }
  ddma.src_addr_widths = PL330_DMA_BUSWIDTHS;
  ddma.dst_addr_widths = PL330_DMA_BUSWIDTHS;
  ddma.directions = (1 << DMA_DEV_TO_MEM) | (1 << DMA_MEM_TO_DEV);
  ddma.residue_granularity = DMA_RESIDUE_GRANULARITY_BURST;
  ddma.max_burst = PL330_MAX_BURST;
  // descriptor_reuse stays false: pl330_probe never sets pd->descriptor_reuse (6.x or 4.9), so
  // dmaengine_desc_set_reuse answers -EPERM and a completed descriptor is back in the pool.
  dmac.onRequestDone = (desc, result) => desc.pchan?.requestDone(desc, result);

  k.dmaengine.register(ddma);
  if (pdev.ofNode) {
    k.dmaengine.ofControllerRegister(
      pdev.ofNode,
      (args) => {
        if (args.length === 1 && args[0] < numChan) return ddma.channels[args[0]];
        // of_dma_pl330_xlate returns NULL silently; the client sees only -ENODEV.
        k.dmaengine.dmasimWarnOnce(
          `xlate-${pdev.name}-${args.join(",")}`,
          `WARNING: dma-pl330 ${pdev.name}: a dmas entry names request line ${args.join(" ")}, but this PL330 has ${numChan} (num_peripherals) (dmasim): of_dma_pl330_xlate returns NULL and dma_request_chan fails with -ENODEV; fix the line number in the client's dmas`,
        );
        return null;
      },
      ddma,
    );
  }
  pdev.dma_parms = { max_segment_size: PL330_MAX_SEG_SIZE, segment_boundary_mask: 0xffffffffn };
  const mcode = { size: dmac.pcfg.num_chan * MCBUFSZ, cpuAddr: mc.cpuAddr, dmaAddr: mc.dmaAddr };
  pdev.driverData = { dmac, ddma, peripherals, base, irqs, mcode } satisfies Pl330Driver;
  const c = dmac.pcfg;
  dev_info(pdev, `Loaded driver for PL330 DMAC-${periphid.toString(16)}`);
  dev_info(pdev, `\tDBUFF-${c.data_buf_dep}x${c.data_bus_width / 8}bytes Num_Chans-${c.num_chan} Num_Peri-${c.num_peri} Num_Events-${c.num_events}`);
  return 0;
}

/** pl330_remove (4.9 and modern alike); devres releases the register mapping and region after
 *  it (kernel.ts device_release_driver). The device-tree translation goes first, so no consumer finds the controller; then
 *  the IRQs, the dmaengine device (warning about channels a client still holds, which stay the
 *  client's to misuse: see dmaengine/unregistered.ts), each channel off the list, terminated
 *  and freed if it has a thread, and pl330_del: the tasklet killed and the microcode freed with
 *  dma_free_coherent, so DMA-API debug's unbind check finds only what else the device left. */
export function pl330_remove(pdev: PlatformDevice): void {
  const k = pdev.kernel;
  const drv = pdev.driverData as Pl330Driver;
  if (pdev.ofNode) k.dmaengine.ofControllerFree(pdev.ofNode);
  for (const irq of drv.irqs) devm_free_irq(pdev, irq, drv.dmac);
  k.dmaengine.unregister(drv.ddma);
  for (const chan of drv.ddma.channels.splice(0)) {
    const pch = chan.priv as Pl330Chan;
    if (pch.thread) {
      pch.terminateAll();
      pch.freeResources();
    }
  }
  drv.dmac.remove();
  dma_free_coherent(pdev, drv.mcode.size, drv.mcode.cpuAddr, drv.mcode.dmaAddr);
}

export const pl330Driver = {
  name: "dma-pl330",
  bus: "amba" as const,
  compatible: ["arm,pl330"],
  /** pl330_ids (drivers/dma/pl330.c, 4.9 and 6.x). */
  id_table: [{ id: R.PL330_AMBA_ID, mask: R.PL330_AMBA_MASK }],
  probe: pl330_probe,
  remove: pl330_remove,
};
