// The /proc and /sys files of a booted board, as `cat` and `ls` show them: /proc/interrupts
// counting the PL330's interrupts, /proc/iomem with a driver's region nested in its device's,
// and /sys/class/dma following channel requests.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { dma_request_chan, dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait, dma_release_channel } from "../../src/dmaengine/dmaengine.js";
import { DMA_MEMCPY, DMA_COMPLETE } from "../../src/dmaengine/types.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { request_mem_region } from "../../src/kernel/resource.js";
import { devm_ioremap_resource } from "../../src/kernel/devm-ioremap.js";
import { KernelError } from "../../src/kernel/errno.js";

// 6.x: "%*d: ", "%10u " per CPU, then gic_irq_print_chip's unpadded "GIC-0", " %*lu", " %-8s", "  %s".
const ROW = (irq: number, hwirq: number, count: number, name: string) =>
  `${String(irq).padStart(3)}: ${String(count).padStart(10)} ${"0".padStart(10)} GIC-0 ${String(hwirq).padStart(3)} Level     ${name}`;

describe("/proc/interrupts", () => {
  it("lists the PL330's lines on the GIC and counts the one a memcpy raises", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dmac = "f8003000.dma-controller";
    // The GIC IDs of its nine interrupts, and Linux's irq numbers for them: 0-15 are legacy,
    // 16-23 the IPIs, so amba_probe's mapping gives them 24-32 in entry order.
    const lines = [45, 46, 47, 48, 49, 72, 73, 74, 75];
    const before = s.readFile("/proc/interrupts").split("\n");
    expect(before[0]).toBe("           CPU0       CPU1       ");
    expect(before.slice(1, 10)).toEqual(lines.map((l, i) => ROW(24 + i, l, 0, dmac)));
    // 32-bit ARM's IPI rows (show_ipi_list), then Err.
    expect(before[10]).toBe("IPI0:          0          0  CPU wakeup interrupts");
    expect(before[16]).toBe("IPI6:          0          0  completion interrupts");
    expect(before[17]).toBe("Err:          0");

    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const dev = chan.device.dev;
    const src = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    const dst = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    const tx = dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, 4096, 1)!;
    expect(dma_sync_wait(chan, dmaengine_submit(tx))).toBe(DMA_COMPLETE);
    const taken = s.interrupts().filter((l) => l.counts[0] > 0);
    // Channel 0's event 0 is wired to the first dma interrupt, SPI 14 = ID 46: irq 25.
    expect(taken.map((l) => [l.irq, l.hwirq, l.counts, l.trigger])).toEqual([[25, 46, [1, 0], "Level"]]);
  });
});

describe("/proc/iomem", () => {
  it("shows a platform driver's requested region at the top, nests the pl330's in its AMBA entry, and refuses overlaps", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const uart = s.device("e0001000.serial");
    expect(devm_ioremap_resource(uart, uart.memResource(0)!)).toBeGreaterThan(0);
    expect(request_mem_region(s.kernel, 0xf8000100, 0x10, "mine")).not.toBeNull();
    expect(request_mem_region(s.kernel, 0xe0001080, 0x10, "clash")).toBeNull();
    // The bound pl330's region (its devm_ioremap_resource) is busy too.
    expect(request_mem_region(s.kernel, 0xf8003100, 0x10, "clash")).toBeNull();
    // The serial and slcr are platform devices, which claim nothing of their own (of_device_add):
    // their requests sit directly under iomem_resource. The PL330 is a primecell: its driver's
    // region nests in the window amba_device_add claimed.
    expect(s.readFile("/proc/iomem")).toBe(
      "00000000-1fffffff : System RAM\n" +
        "  00008000-005fffff : Kernel code\n" +
        "  00900000-009fffff : Kernel data\n" +
        "e0001000-e0001fff : e0001000.serial serial@e0001000\n" +
        "f8000100-f800010f : mine\n" +
        "f8003000-f8003fff : dma-controller@f8003000\n" +
        "  f8003000-f8003fff : f8003000.dma-controller dma-controller@f8003000\n",
    );
  });
});

describe("/sys/class/dma", () => {
  it("has a dmaNchanM per channel whose in_use follows requests", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    expect(s.readdir("/sys/class/dma")).toEqual(["dma0chan0", "dma0chan1", "dma0chan2", "dma0chan3", "dma0chan4", "dma0chan5", "dma0chan6", "dma0chan7"]);
    expect(s.readdir("/sys/class/dma/dma0chan1")).toEqual(["bytes_transferred", "in_use", "memcpy_count"]);
    expect(s.readFile("/sys/class/dma/dma0chan1/in_use")).toBe("0\n");
    const rx = dma_request_chan(s.device("e0001000.serial"), "rx");
    expect(rx.name).toBe("dma0chan1");
    expect(s.readFile("/sys/class/dma/dma0chan1/in_use")).toBe("1\n");
    expect(s.dmaChannels()[1]).toEqual({ name: "dma0chan1", device: "f8003000.dma-controller", in_use: 1, memcpy_count: 0, bytes_transferred: 0, slave: "e0001000.serial" });
    dma_release_channel(rx);
    expect(s.readFile("/sys/class/dma/dma0chan1/in_use")).toBe("0\n");
  });

  it("answers other paths with the kernel's errors", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    expect(() => s.readFile("/proc/meminfo")).toThrow(KernelError);
    expect(() => s.readFile("/proc/meminfo")).toThrow(/-ENOENT: \/proc\/meminfo: no such file or directory/);
    expect(() => s.readFile("/sys/class/dma")).toThrow(/-EISDIR/);
    expect(() => s.readdir("/proc/iomem")).toThrow(/-ENOTDIR/);
    expect(s.readdir("/sys/bus/platform/devices")).toEqual(["axi", "f8f02000.cache-controller", "fffc0000.sram", "e0001000.serial", "f8000000.slcr", "100.clkc"]);
  });

  it("refuses a path that is not a string with a TypeError naming the call", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const cases: [() => unknown, string][] = [
      [() => s.readFile(5 as never), "readFile: path must be a string, not number"],
      [() => s.readFile(undefined as never), "readFile: path must be a string, not undefined"],
      [() => s.readdir(null as never), "readdir: path must be a string, not null"],
    ];
    for (const [f, message] of cases) {
      let e: unknown;
      try {
        f();
      } catch (x) {
        e = x;
      }
      expect(e).toBeInstanceOf(TypeError);
      expect((e as Error).message).toBe(message);
    }
  });
});
