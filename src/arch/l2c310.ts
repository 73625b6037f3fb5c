// l2x0_of_init for the L2C-310 outer cache (arch/arm/mm/cache-l2x0.c, Linux 4.9 and later):
// the device tree's RAM latencies (`arm,tag-latency`, `arm,data-latency`, each <read write
// setup> in cycles; l2c310_of_parse) reach the controller only when the kernel finds it
// disabled, since "L2 configuration can only be changed if the cache is disabled"; the kernel
// then configures and enables it (l2c_enable). A controller the boot loader left enabled is
// kept as it is; of the reads Linux makes either way only CTRL's is modelled there, as the
// others (l2c310_save, CACHE_ID) only feed the disabled path. Only the registers dmasim's PL310
// models are saved and written: the address filter, prefetch and power registers, the lockdown
// registers (l2c310_unlock) and the Cortex-A9 AUX_CTRL bits l2c310_enable adds are left out.

import type { Machine } from "../hw/machine.js";
import type { VirtAddr } from "../hw/address.js";
import type { DeviceNode } from "../of/node.js";

const L2X0_CTRL = 0x100;
const L2X0_AUX_CTRL = 0x104;
const L310_TAG_LATENCY_CTRL = 0x108;
const L310_DATA_LATENCY_CTRL = 0x10c;
const L2X0_CACHE_SYNC = 0x730;
const L2X0_INV_WAY = 0x77c;
const L2X0_CTRL_EN = 1;
const L310_AUX_CTRL_ASSOCIATIVITY_16 = 1 << 16;

const L310_LATENCY_CTRL_SETUP = (n: number) => n << 0;
const L310_LATENCY_CTRL_RD = (n: number) => n << 4;
const L310_LATENCY_CTRL_WR = (n: number) => n << 8;

/** l2x0_saved_regs: what the kernel read from the controller, then overrode from the tree. */
interface L2x0Regs {
  aux_ctrl: number;
  tag_latency: number;
  data_latency: number;
}

/** A `<read write setup>` property as the latency register holds it, or undefined unless it
 *  has three cells, all non-zero (of_property_read_u32_array leaves a short one unread). */
export function l2c310LatencyProperty(node: DeviceNode, name: string): number | undefined {
  const v = node.has(name) ? node.cells(name) : [];
  if (v.length < 3 || v[0] === 0 || v[1] === 0 || v[2] === 0) return undefined;
  return L310_LATENCY_CTRL_RD(v[0] - 1) | L310_LATENCY_CTRL_WR(v[1] - 1) | L310_LATENCY_CTRL_SETUP(v[2] - 1);
}

class L2c310 {
  constructor(
    private readonly machine: Machine,
    private readonly base: VirtAddr,
  ) {}

  readl(reg: number): number {
    return this.machine.cpu.load(this.base + reg, 4) >>> 0;
  }

  writel(reg: number, v: number): void {
    this.machine.cpu.store(this.base + reg, 4, v);
  }

  /** l2c_write_sec: a register already holding the value is not written. */
  write_sec(v: number, reg: number): void {
    if (v === this.readl(reg)) return;
    this.writel(reg, v);
  }

  /** l2c_wait_mask, bounded: a controller that never finishes is reported, not spun on. */
  wait_mask(reg: number, mask: number): void {
    for (let i = 0; this.readl(reg) & mask; i++) {
      if (i >= 1_000_000) throw new Error(`L2C-310: register 0x${reg.toString(16)} still busy`);
    }
  }

  save(): L2x0Regs {
    return {
      aux_ctrl: this.readl(L2X0_AUX_CTRL),
      tag_latency: this.readl(L310_TAG_LATENCY_CTRL),
      data_latency: this.readl(L310_DATA_LATENCY_CTRL),
    };
  }

  enabled(): boolean {
    return (this.readl(L2X0_CTRL) & L2X0_CTRL_EN) !== 0;
  }

  /** l2c_enable with l2c310_configure: the saved registers, then every way invalidated and a
   *  sync, each polled until done, then the enable bit. */
  enable(regs: L2x0Regs): void {
    this.write_sec(regs.aux_ctrl, L2X0_AUX_CTRL);
    this.write_sec(regs.tag_latency, L310_TAG_LATENCY_CTRL);
    this.write_sec(regs.data_latency, L310_DATA_LATENCY_CTRL);
    const wayMask = regs.aux_ctrl & L310_AUX_CTRL_ASSOCIATIVITY_16 ? 0xffff : 0xff;
    this.writel(L2X0_INV_WAY, wayMask);
    this.wait_mask(L2X0_INV_WAY, wayMask);
    this.writel(L2X0_CACHE_SYNC, 0);
    this.wait_mask(L2X0_CACHE_SYNC, 1);
    this.write_sec(L2X0_CTRL_EN, L2X0_CTRL);
  }
}

/** Finds the controller's state through its ioremapped registers at `base` and, if it is
 *  disabled, applies the node's latency properties and enables it. */
export function l2x0_of_init(machine: Machine, base: VirtAddr, node: DeviceNode): void {
  const l2c = new L2c310(machine, base);
  if (l2c.enabled()) return;
  const regs = l2c.save();
  regs.tag_latency = l2c310LatencyProperty(node, "arm,tag-latency") ?? regs.tag_latency;
  regs.data_latency = l2c310LatencyProperty(node, "arm,data-latency") ?? regs.data_latency;
  l2c.enable(regs);
}
