// The irq columns of /proc/interrupts are as wide as show_interrupts makes them
// (kernel/irq/proc.c, 4.9 and 6.x): `for (prec = 3, j = 1000; prec < 10 && j <= nr_irqs; ++prec)
// j *= 10`. nr_irqs follows the irq numbers the kernel allocated, not how large a GIC ID is:
// - 32-bit ARM: 16 legacy ones (arch_probe_nr_irqs: NR_IRQS = NR_IRQS_LEGACY with SPARSE_IRQ),
//   on 6.x 8 for the IPIs (gic_smp_init), then one per interrupt mapped, each the lowest free
//   number, so nr_irqs (grown by irq_expand_nr_irqs) = 16 [+ 8] + mapped.
// - arm64: NR_IRQS, 64, to start with, none preallocated; numbers from 1 up (the GIC domain's
//   hint is 1), so nr_irqs = max(64, 1 [+ 8] + mapped).
// The boards: examples/boards/rk3288-like.dts (arm, 2 CPUs; its two DMACs map 4 interrupts) and
// examples/boards/arm64-ref.dts (arm64, 2 CPUs; its DMAC maps IDs 39 and 40, its UART 132), each
// with a node of no driver whose interrupts map N more from ID 42 up: 4.9 maps them at
// of_platform_populate, in tree order (the node comes before the second DMAC); 6.x only when a
// driver asks, as the tests here do with platform_get_irq after boot (the DMACs' numbers come
// first, at their probes). The UART's ID (89 on the RK3288, 132 on arm64-ref) falls among the
// node's IDs: irq_find_mapping finds it, one number. On 6.x nothing asks for the UART's.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withSystem } from "../helpers/system.js";
import { rk3288With } from "../helpers/rk3288-tree.js";

const BUS_DMAC = "dmac_bus_ns: dma-controller@ff600000 {";
const ARM64_DMAC = "dmac: dma-controller@ff6e0000 {";
const ARM64_REF = readFileSync(join(new URL("../..", import.meta.url).pathname, "examples/boards/arm64-ref.dts"), "utf8");

/** A driverless node mapping SPIs 10 .. 10 + n - 1 (IDs 42 ..), none requested, before `before`. */
function thing(n: number, before: string, extra: string[] = []): string {
  const spec = [...Array.from({ length: n }, (_, i) => `<0 ${10 + i} 4>`), ...extra].join(", ");
  return `thing@ff700000 {\n\t\t\tcompatible = "vendor,thing";\n\t\t\tinterrupts = ${spec};\n\t\t};\n\n\t\t${before}`;
}

const rk3288 = (n: number, extra: string[] = []) => rk3288With(BUS_DMAC, thing(n, BUS_DMAC, extra));
function arm64Ref(n: number): string {
  expect(ARM64_REF).toContain(ARM64_DMAC);
  return ARM64_REF.replace(ARM64_DMAC, thing(n, ARM64_DMAC));
}

const HEADER = (prec: number) => " ".repeat(prec + 8) + "CPU0       CPU1       ";

/** What the node's driver would do on 6.x: platform_get_irq of each entry, mapping it. */
function askForThingIrqs(s: { device(name: string): { irqs: number[]; irq(n: number): number } }): void {
  const thingDev = s.device("soc:thing@ff700000");
  thingDev.irqs.forEach((_, i) => thingDev.irq(i));
}

describe("/proc/interrupts column width, 32-bit ARM", () => {
  it("6.x, 999 irq numbers (16 + 8 IPIs + 4 + 971): 3 wide, as with a handful", async () => {
    await withSystem({ dts: rk3288(971) }, (s) => {
      // Before the node's driver asks: 28 numbers (the DMACs' 24-27), 3 wide.
      expect(s.readFile("/proc/interrupts").split("\n")[0]).toBe(HEADER(3));
      askForThingIrqs(s);
      const text = s.readFile("/proc/interrupts").split("\n");
      expect(text[0]).toBe(HEADER(3));
      // The first DMAC's probe mapped ID 34 as 24, the first number past the IPIs.
      expect(text[1]).toBe(" 24:          0          0 GIC-0  34 Level     ff250000.dma-controller");
      expect(text.at(-3)).toBe("IPI6:          0          0  completion interrupts");
      expect(text.at(-2)).toBe("Err:          0");
    });
  });

  it("6.x, an entry that maps no interrupt allocates no irq number: 999 still, 3 wide", async () => {
    // <2 0 4>: a kind a 6.x GICv2 refuses (-EINVAL), so irq_create_of_mapping allocates nothing.
    await withSystem({ dts: rk3288(971, ["<2 0 4>"]) }, (s) => {
      expect(s.device("soc:thing@ff700000").irqs.filter((irq) => irq < 0)).toHaveLength(1);
      askForThingIrqs(s);
      expect(s.readFile("/proc/interrupts").split("\n")[0]).toBe(HEADER(3));
    });
  });

  it("6.x, 1000 irq numbers (16 + 8 + 4 + 972): 4 wide, the IPI and Err labels too", async () => {
    await withSystem({ dts: rk3288(972) }, (s) => {
      askForThingIrqs(s);
      const text = s.readFile("/proc/interrupts").split("\n");
      expect(text[0]).toBe(HEADER(4));
      expect(text[1]).toBe("  24:          0          0 GIC-0   34 Level     ff250000.dma-controller");
      // "%*s%u: " with prec - 1 = 3: "IPI" fills it, so the label is no wider.
      expect(text.at(-9)).toBe("IPI0:          0          0  CPU wakeup interrupts");
      expect(text.at(-2)).toBe(" Err:          0");
    });
  });

  it("4.9, no IPI descriptors, all mapped at populate: 999 (16 + 4 + 979) 3 wide, 1000 (16 + 4 + 980) 4 wide", async () => {
    // In tree order: the first DMAC 16-17, the node 18 .. 17 + N, the second DMAC past it.
    await withSystem({ dts: rk3288(979), kernel: "v4.9" }, (s) => {
      const text = s.readFile("/proc/interrupts").split("\n");
      expect(text[0]).toBe(HEADER(3));
      expect(text[1]).toBe(" 16:          0          0     GIC-0  34 Level     ff250000.dma-controller");
      expect(text[3]).toBe("997:          0          0     GIC-0  32 Level     ff600000.dma-controller");
    });
    await withSystem({ dts: rk3288(980), kernel: "v4.9" }, (s) => {
      const text = s.readFile("/proc/interrupts").split("\n");
      expect(text[0]).toBe(HEADER(4));
      expect(text[1]).toBe("  16:          0          0     GIC-0   34 Level     ff250000.dma-controller");
      expect(text[4]).toBe(" 999:          0          0     GIC-0   33 Level     ff600000.dma-controller");
    });
  });
});

describe("/proc/interrupts column width, arm64", () => {
  it("6.x: 3 wide up to nr_irqs 999 (1 + 8 + 2 + 988), 4 wide at 1000 (989 more)", async () => {
    // IPIs 1-8, the DMAC 9-10 at its probe, the node's 11 .. 10 + N when asked.
    await withSystem({ dts: arm64Ref(988) }, (s) => {
      askForThingIrqs(s);
      const text = s.readFile("/proc/interrupts").split("\n");
      expect(text[0]).toBe(HEADER(3));
      expect(text[1]).toBe("  9:          0          0     GICv2  39 Level     ff6e0000.dma-controller");
      // arm64's "%*s%u:%s" adds no space below prec 4; "      %s" before the name.
      expect(text.at(-10)).toBe("IPI0:         0          0       Rescheduling interrupts");
    });
    await withSystem({ dts: arm64Ref(989) }, (s) => {
      askForThingIrqs(s);
      const text = s.readFile("/proc/interrupts").split("\n");
      expect(text[0]).toBe(HEADER(4));
      expect(text[1]).toBe("   9:          0          0     GICv2   39 Level     ff6e0000.dma-controller");
      expect(text.at(-10)).toBe("IPI0:          0          0       Rescheduling interrupts");
      expect(text.at(-3)).toBe("IPI7:          0          0       KGDB roundup interrupts");
      expect(text.at(-2)).toBe(" Err:          0");
    });
  });

  it("4.9, no IPI descriptors: 4 wide from 1 + 2 + 997 = 1000", async () => {
    await withSystem({ dts: arm64Ref(996), kernel: "v4.9" }, (s) => expect(s.readFile("/proc/interrupts").split("\n")[0]).toBe(HEADER(3)));
    await withSystem({ dts: arm64Ref(997), kernel: "v4.9" }, (s) => expect(s.readFile("/proc/interrupts").split("\n")[0]).toBe(HEADER(4)));
  });
});
