// pl330_probe: binding the driver to an "arm,pl330" platform device (spec pl330 §12.1): map the
// registers, check the AMBA peripheral ID, request every interrupt, read the configuration,
// allocate the microcode buffer and descriptor pool, register the dmaengine device and the
// device-tree translation for `dmas = <&dmac N>`.

import type { PlatformDevice } from "../../kernel/device.js";
import { EINVAL, ENODEV, ENOMEM, ENXIO } from "../../kernel/errno.js";
import { GFP_KERNEL } from "../../mm/gfp.js";
import { dma_alloc_attrs } from "../../dma/mapping.js";
import { DMA_ATTR_PRIVILEGED } from "../../dma/constants.js";
import { DmaChan, DmaDevice, DMA_CYCLIC, DMA_MEMCPY, DMA_PRIVATE, DMA_SLAVE } from "../../dmaengine/types.js";
import { IRQ_HANDLED, IRQ_NONE } from "../../kernel/irq.js";
import { Pl330Dmac, MCBUFSZ } from "./dmac.js";
import { Pl330Chan, Pl330Desc } from "./channel.js";
import * as R from "./regs.js";

const NR_DEFAULT_DESC = 16;
export const PL330_MAX_SEG_SIZE = 1900800;

export interface Pl330Driver {
  dmac: Pl330Dmac;
  ddma: DmaDevice;
  peripherals: Pl330Chan[];
}

export function pl330_probe(pdev: PlatformDevice): number {
  const k = pdev.kernel;
  const res = pdev.memResource(0);
  if (!res) return -ENXIO;
  const base = k.mm.ioremap(res.start, res.size || 0x1000);
  if (base === null) return -ENOMEM;
  const dmac = new Pl330Dmac(k, base, pdev.name);

  let periphid = 0;
  let cellid = 0;
  for (let i = 0; i < 4; i++) {
    periphid |= (dmac.readl(R.PERIPH_ID + 4 * i) & 0xff) << (8 * i);
    cellid |= (dmac.readl(R.PCELL_ID + 4 * i) & 0xff) << (8 * i);
  }
  if (cellid >>> 0 !== 0xb105f00d || ((periphid & R.PL330_AMBA_MASK) >>> 0) !== R.PL330_AMBA_ID) {
    k.printk.err(`${pdev.name}: no PL330 at 0x${res.start.toString(16)} (periphid 0x${(periphid >>> 0).toString(16)})`);
    return -ENODEV;
  }

  const drv = { dmac } as Pl330Driver;
  for (const irq of pdev.irqs) {
    const rc = k.irq.request_irq(irq, () => (dmac.update() ? IRQ_HANDLED : IRQ_NONE), 0, pdev.name, dmac);
    if (rc < 0) return rc;
  }

  dmac.readConfig();
  if (dmac.pcfg.num_events === 0) return -EINVAL;
  const mc = dma_alloc_attrs(pdev, dmac.pcfg.num_chan * MCBUFSZ, GFP_KERNEL, DMA_ATTR_PRIVILEGED);
  if (!mc) {
    k.printk.err(`${pdev.name}: unable to allocate microcode buffer`);
    return -ENOMEM;
  }
  dmac.allocThreads(mc.cpuAddr, mc.dmaAddr);

  const pool: Pl330Desc[] = [];
  for (let i = 0; i < NR_DEFAULT_DESC; i++) pool.push(new Pl330Desc());

  const numChan = Math.max(dmac.pcfg.num_peri, dmac.pcfg.num_chan);
  const peripherals: Pl330Chan[] = [];
  const pchOf = (chan: DmaChan) => chan.priv as Pl330Chan;
  const ddma = new DmaDevice(pdev, {
    device_alloc_chan_resources: (chan) => pchOf(chan).allocResources(),
    device_free_chan_resources: (chan) => pchOf(chan).freeResources(),
    device_prep_dma_memcpy: (chan, dst, src, len, flags) => pchOf(chan).prepMemcpy(dst, src, len, flags),
    device_tx_status: (chan, cookie, state) => pchOf(chan).txStatus(cookie, state),
    device_issue_pending: (chan) => pchOf(chan).issuePending(),
    device_terminate_all: (chan) => pchOf(chan).terminateAll(),
    device_synchronize: () => {},
  });
  for (let i = 0; i < numChan; i++) {
    const pch = new Pl330Chan(dmac, pool);
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
  dmac.onRequestDone = (desc, err) => desc.pchan?.requestDone(desc, err);

  k.dmaengine.register(ddma);
  if (pdev.ofNode) {
    k.dmaengine.ofControllerRegister(
      pdev.ofNode,
      (args) => (args.length === 1 && args[0] < numChan ? ddma.channels[args[0]] : null),
      ddma,
    );
  }
  pdev.dma_parms = { max_segment_size: PL330_MAX_SEG_SIZE, segment_boundary_mask: 0xffffffffn };
  Object.assign(drv, { ddma, peripherals });
  pdev.driverData = drv;
  const c = dmac.pcfg;
  k.printk.info(`${pdev.name}: Loaded driver for PL330 DMAC-${(periphid & 0xfffff).toString(16)}`);
  k.printk.info(`${pdev.name}: \tDBUFF-${c.data_buf_dep}x${c.data_bus_width / 8}bytes Num_Chans-${c.num_chan} Num_Peri-${c.num_peri} Num_Events-${c.num_events}`);
  return 0;
}

export const pl330Driver = {
  name: "dma-pl330",
  compatible: ["arm,pl330"],
  probe: pl330_probe,
};
