// l2x0_of_init (arch/arm/mm/cache-l2x0.c) as init_IRQ calls it (arch/arm/kernel/irq.c), 4.9
// and mainline alike: the PL310's registers are ioremapped and the outer cache enabled. When
// the memory nodes cover those registers, ioremap refuses RAM (WARN_ON and NULL,
// mm/ioremap-ram.ts), l2x0_of_init returns -ENOMEM, and init_IRQ prints "L2C: failed to init:
// -12" (pr_err). Boot goes on: no outer_cache ops are installed and the controller stays as
// reset left it, disabled; the silicon has no outer cache then (hw/board.ts). dmasim notes the
// window and the fix.

import type { Kernel } from "../kernel/kernel.js";
import { ENOMEM } from "../kernel/errno.js";
import { noteRegistersInRam } from "../kernel/registers-in-ram-note.js";
import { BoardError } from "../hw/board-error.js";
import { OuterCache } from "./arm-cache.js";

const hex = (n: number) => "0x" + n.toString(16);

/** The enabled outer cache, or null: no PL310 node (-ENODEV, which init_IRQ does not print), or
 *  its registers in RAM (-ENOMEM). */
export function l2x0_of_init(kernel: Kernel): OuterCache | null {
  const { outerCache, l2cInRam } = kernel.board;
  const regs = outerCache ?? l2cInRam?.regs;
  if (!regs) return null;
  const base = kernel.mm.ioremap(regs.start, regs.size);
  if (base === null) {
    kernel.printk.err(`L2C: failed to init: ${-ENOMEM}`);
    if (l2cInRam) {
      noteRegistersInRam(kernel, l2cInRam.node, l2cInRam.regs, l2cInRam.bank, "l2x0_of_init's ioremap refuses them (-ENOMEM), so the system runs with the PL310 outer cache disabled");
    }
    return null;
  }
  if (l2cInRam) {
    // The first page is not mapped RAM (RAM starts inside the window, or it is no-map reserved
    // memory): Linux maps the controller and enables it, but the silicon's bus gives those
    // addresses to DRAM, so dmasim cannot build this board.
    const { node, bank } = l2cInRam;
    kernel.mm.iounmap(base);
    throw new BoardError(`${node.path}: registers at ${hex(regs.start)} lie inside RAM [${hex(bank.start)}-${hex(bank.start + bank.size - 1)}]; the memory node overlaps the device`);
  }
  const l2 = kernel.machine.profile.l2!;
  kernel.printk.info(`L2C-310 cache controller enabled, ${l2.ways} ways, ${l2.sizeBytes / 1024} kB`);
  return new OuterCache(kernel.machine, base, kernel.machine.profile.l1d.lineBytes);
}
