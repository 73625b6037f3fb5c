// Which irq numbers have a descriptor, and what request_irq and free_irq do with the others.
// The numbers are Linux's (irq-desc.ts), not the GIC's IDs. Facts, Linux 4.9 and 6.x alike
// unless said:
// - kernel/irq/manage.c free_irq: `desc = irq_to_desc(irq); if (!desc ||
//   WARN_ON(irq_settings_is_per_cpu_devid(desc))) return;` (4.9 returns void, 6.x NULL): silent
//   for a number with no descriptor. "Trying to free already-free IRQ" is __free_irq's, for a
//   descriptor with no action of that dev_id.
// - kernel/irq/manage.c request_threaded_irq: -EINVAL with no descriptor; -EINVAL when
//   !irq_settings_can_request(desc) (IRQ_NOREQUEST), silently, the `||` then skipping the
//   WARN_ON(irq_settings_is_per_cpu_devid(desc)) that refuses a per-CPU one.
// - kernel/irq/irqdesc.c early_irq_init preallocates arch_probe_nr_irqs() descriptors from 0.
//   arch/arm/kernel/irq.c: machine_desc->nr_irqs or NR_IRQS, which arch/arm/include/asm/irq.h
//   makes NR_IRQS_LEGACY, 16 (SPARSE_IRQ); each gets ARCH_IRQ_INIT_FLAGS, IRQ_NOREQUEST |
//   IRQ_NOPROBE (arch/arm/include/asm/hw_irq.h). arm64: the weak default, NR_IRQS_LEGACY 0.
// - irq_create_of_mapping gives each mapped interrupt a descriptor, requestable
//   (irq_domain_insert_irq clears IRQ_NOREQUEST), numbered from the lowest free number from 1
//   (the GIC's hierarchy domain: irq_domain_alloc_descs' hint is 1); drivers/irqchip/irq-gic.c
//   gic_irq_domain_map makes hw < 32 per-CPU (irq_set_percpu_devid).
// - irq-gic.c / irq-gic-v3.c gic_smp_init, 5.10 on: SGIs 0-7 allocated for the IPIs (not in 4.9)
//   before anything else: irqs 1-8 on arm64, 16-23 on 32-bit ARM.
// - 4.9 maps every interrupt of every device as of_platform_populate creates it, in tree order;
//   6.x when a driver asks (platform_get_irq, amba_probe).
// So the Zynq-7000 (32-bit ARM): 4.9 16 (ID 34, the L2's), 17 (ID 82, UART1), 18-26 (the
// PL330's IDs 45-49, 72-75); 6.x 16-23 the IPIs, 24-32 the PL330's (its driver is the only one
// that probes). arm64-ref: 4.9 1-2 (the PL330's IDs 39, 40), 3 (ID 132, the UART); 6.x 1-8 the
// IPIs, 9-10 the PL330's.

import { describe, expect, it } from "vitest";
import { withSystem } from "../helpers/system.js";
import { rk3288With } from "../helpers/rk3288-tree.js";
import { EINVAL } from "../../src/kernel/errno.js";
import { IRQ_HANDLED } from "../../src/kernel/irq.js";
import type { System } from "../../src/system.js";
import type { KernelVersion } from "../../src/mm/layout.js";

const handler = () => IRQ_HANDLED;
const ALREADY_FREE = (irq: number) => `WARNING: kernel/irq/manage.c: __free_irq: Trying to free already-free IRQ ${irq}`;
const FREE_PERCPU = (irq: number, what: string) =>
  `WARNING: kernel/irq/manage.c: free_irq: WARN_ON(irq_settings_is_per_cpu_devid(desc)): irq ${irq}, a per-CPU interrupt (GIC ${what})`;
const REQUEST_PERCPU = (irq: number, what: string) =>
  `WARNING: kernel/irq/manage.c: request_threaded_irq: WARN_ON(irq_settings_is_per_cpu_devid(desc)): test requested irq ${irq}, a per-CPU interrupt (GIC ${what})`;

/** What the kernel logs while `fn` runs. */
function logged(s: System, fn: () => void): string {
  const before = s.dmesg().length;
  fn();
  return s.dmesg().slice(before);
}

function boot(board: string, kernel: KernelVersion, body: (s: System) => void): Promise<void> {
  return withSystem({ board, kernel }, body);
}

describe("an irq number with no descriptor", () => {
  for (const [board, kernel, irqs] of [
    // The first number past those allocated, and one far past; 0, never handed out on arm64.
    ["zynq-7000", "modern", [33, 60]],
    ["zynq-7000", "v4.9", [27, 60]],
    ["arm64-ref", "v4.9", [0, 4, 60]],
    ["arm64-ref", "modern", [0, 11, 60]],
  ] as const) {
    it(`${board} ${kernel}: free_irq returns null and says nothing; request_irq is -EINVAL, silently (irqs ${irqs.join(", ")})`, async () => {
      await boot(board, kernel, (s) => {
        for (const irq of irqs) {
          expect(logged(s, () => expect(s.kernel.irq.free_irq(irq, "dev")).toBeNull())).toBe("");
          expect(logged(s, () => expect(s.kernel.irq.request_irq(irq, handler, 0, "test", "dev")).toBe(-EINVAL))).toBe("");
        }
        // Nothing was requested (the DMAC's own lines are listed, requested at boot).
        expect(s.kernel.irq.lines().filter((l) => (irqs as readonly number[]).includes(l.irq))).toEqual([]);
      });
    });
  }

  it("a negative irq (platform_get_irq's -ENXIO): the same", async () => {
    await boot("zynq-7000", "modern", (s) => {
      expect(logged(s, () => expect(s.kernel.irq.free_irq(-6, "dev")).toBeNull())).toBe("");
      expect(logged(s, () => expect(s.kernel.irq.request_irq(-6, handler, 0, "test", "dev")).toBe(-EINVAL))).toBe("");
    });
  });
});

describe("32-bit ARM's legacy descriptors, 0-15 (IRQ_NOREQUEST)", () => {
  it("4.9: free_irq finds a descriptor with no action, so __free_irq WARNs; request_irq is -EINVAL, silently", async () => {
    await boot("zynq-7000", "v4.9", (s) => {
      for (const irq of [0, 5, 15]) {
        const text = logged(s, () => expect(s.kernel.irq.free_irq(irq, "dev")).toBeNull());
        expect(text.trim().split("\n")).toHaveLength(1);
        expect(text).toContain(ALREADY_FREE(irq));
        expect(logged(s, () => expect(s.kernel.irq.request_irq(irq, handler, 0, "test", "dev")).toBe(-EINVAL))).toBe("");
      }
    });
  });

  it("6.x: the same, the IPIs numbered past them (16-23 in Linux)", async () => {
    await boot("zynq-7000", "modern", (s) => {
      for (const irq of [0, 7, 8, 15]) {
        expect(logged(s, () => expect(s.kernel.irq.free_irq(irq, "dev")).toBeNull())).toContain(ALREADY_FREE(irq));
        expect(logged(s, () => expect(s.kernel.irq.request_irq(irq, handler, 0, "test", "dev")).toBe(-EINVAL))).toBe("");
      }
    });
  });
});

describe("per-CPU descriptors: free_irq's own WARN_ON, not __free_irq's", () => {
  for (const [board, first] of [["arm64-ref", 1], ["zynq-7000", 16]] as const) {
    it(`${board} 6.x: the IPI SGIs 0-7 gic_smp_init mapped, irqs ${first}-${first + 7}`, async () => {
      await boot(board, "modern", (s) => {
        for (const sgi of [0, 7]) {
          const irq = first + sgi;
          const text = logged(s, () => expect(s.kernel.irq.free_irq(irq, "dev")).toBeNull());
          expect(text).toContain(FREE_PERCPU(irq, `SGI ${sgi}`));
          expect(text).not.toContain("already-free");
          expect(logged(s, () => expect(s.kernel.irq.request_irq(irq, handler, 0, "test", "dev")).toBe(-EINVAL))).toContain(REQUEST_PERCPU(irq, `SGI ${sgi}`));
        }
      });
    });
  }

  it("a PPI the tree gives a device (<1 3 4>: ID 19), mapped at its probe: irq 25", async () => {
    const PERI = "interrupts = <0 2 4>, <0 3 4>;";
    const dts = rk3288With(PERI, "interrupts = <0 2 4>, <1 3 4>;");
    await withSystem({ dts }, (s) => {
      expect(s.device("ff250000.dma-controller").irqs).toEqual([34, 19]);
      // 6.x: 16-23 the IPIs; the first PL330's amba_probe maps ID 34 as 24, ID 19 as 25.
      expect(s.kernel.irq.irq_find_mapping(19)).toBe(25);
      const text = logged(s, () => expect(s.kernel.irq.free_irq(25, "dev")).toBeNull());
      expect(text).toContain(FREE_PERCPU(25, "PPI 3"));
      expect(text).not.toContain("already-free");
    });
  });
});

describe("a mapped SPI with no action of that dev_id: __free_irq's WARN, as before", () => {
  // 4.9 mapped it at populate (irq 17); 6.x when platform_get_irq asks (33, past the PL330's).
  for (const [kernel, irq] of [["v4.9", 17], ["modern", 33]] as const) {
    it(`Zynq UART1, SPI 50 (ID 82), ${kernel}: irq ${irq}`, async () => {
      await boot("zynq-7000", kernel, (s) => {
        expect(s.device("e0001000.serial").irq(0)).toBe(irq);
        const text = logged(s, () => expect(s.kernel.irq.free_irq(irq, "dev")).toBeNull());
        expect(text.trim().split("\n")).toHaveLength(1);
        expect(text).toContain(ALREADY_FREE(irq));
        expect(s.kernel.irq.request_irq(irq, handler, 0, "test", "dev")).toBe(0);
        expect(s.kernel.irq.free_irq(irq, "dev")).toBe("test");
      });
    });
  }

  it("Zynq 6.x: the UART's ID 82 has no irq number until its driver asks", async () => {
    await boot("zynq-7000", "modern", (s) => {
      expect(s.kernel.irq.irq_find_mapping(82)).toBe(0);
      expect(s.kernel.irq.irq_find_mapping(45)).toBe(24);
    });
  });
});

describe("the IPIs' base and nr_irqs, by hand from the rules above", () => {
  // ipi_base: set_smp_ipi_range's first number, 0 when gic_smp_init gave none (4.9). nr_irqs:
  // 16 on 32-bit ARM to start with, 64 (NR_IRQS) on arm64, grown to one past the highest number.
  // Zynq 6.x: highest 32 (the PL330's last); 4.9: 26. arm64-ref: 10 (6.x) and 3 (4.9) stay
  // below 64.
  for (const [board, kernel, ipiBase, nrIrqs] of [
    ["zynq-7000", "modern", 16, 33],
    ["zynq-7000", "v4.9", 0, 27],
    ["arm64-ref", "modern", 1, 64],
    ["arm64-ref", "v4.9", 0, 64],
  ] as const) {
    it(`${board} ${kernel}: ipi_base ${ipiBase}, nr_irqs ${nrIrqs}`, async () => {
      await boot(board, kernel, (s) => {
        expect(s.kernel.irq.ipi_base).toBe(ipiBase);
        expect(s.kernel.irq.nr_irqs()).toBe(nrIrqs);
      });
    });
  }
});
