// /sys/bus/<bus>/drivers/<driver>/{bind,unbind} as drivers/base/bus.c's bind_store and
// unbind_store answer `echo NAME > FILE` (as root): the pl330 registers on the AMBA bus as
// "dma-pl330"; a name is compared as sysfs_streq does (one trailing newline ignored); a device
// that is unknown, on another bus or not this driver's is -ENODEV; a bound device is -EBUSY
// for bind (modern device_driver_attach; 4.9's bind_store: -ENODEV); a failed probe gives its
// error (modern; -EPROBE_DEFER as -EAGAIN) or -ENODEV (4.9, whose really_probe returned 0).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { dma_alloc_coherent, dma_map_single } from "../../src/dma/mapping.js";
import { DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL, PAGE_SIZE } from "../../src/mm/gfp.js";
import { KernelError, EACCES, EAGAIN, EBUSY, EINVAL, EIO, EISDIR, ENODEV, ENOENT, ENOTDIR, EPROBE_DEFER } from "../../src/kernel/errno.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait, dma_release_channel } from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY } from "../../src/dmaengine/types.js";
import type { BusDriver } from "../../src/kernel/bus.js";
import { thrown } from "../helpers/thrown.js";

const DMAC = "f8003000.dma-controller";
const UART = "e0001000.serial";
const DRV = "/sys/bus/amba/drivers/dma-pl330";

const errnoOf = (f: () => unknown) => thrown<KernelError>(f).errno;

/** A driver of the test's own on the AMBA bus, probing with `rc`. */
function testDriver(s: System, name: string, compatible: string, rc = 0): BusDriver {
  const drv: BusDriver = { name, bus: "amba", compatible: [compatible], probe: () => rc };
  s.kernel.platformBus.registerDriver(drv);
  return drv;
}

/** A memcpy of 4 KiB through any channel: the destination's bytes. */
function memcpyWorks(s: System): boolean {
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const buf = dma_alloc_coherent(chan.device.dev, 2 * PAGE_SIZE, GFP_KERNEL)!;
  const src = Uint8Array.from({ length: PAGE_SIZE }, (_, i) => (i * 13 + 5) & 0xff);
  s.kernel.machine.cpu.write(buf.cpuAddr, src);
  const tx = dmaengine_prep_dma_memcpy(chan, buf.dmaAddr + PAGE_SIZE, buf.dmaAddr, PAGE_SIZE, 0)!;
  const done = dma_sync_wait(chan, dmaengine_submit(tx)) === DMA_COMPLETE;
  const copied = s.kernel.machine.cpu.read(buf.cpuAddr + PAGE_SIZE, PAGE_SIZE);
  dma_release_channel(chan);
  return done && copied.every((b, i) => b === src[i]);
}

describe("/sys/bus/*/drivers", () => {
  it("lists dma-pl330 on the AMBA bus with bind, unbind and a link per bound device", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    expect(s.readdir("/sys/bus/amba")).toEqual(["devices", "drivers"]);
    expect(s.readdir("/sys/bus/amba/drivers")).toEqual(["dma-pl330"]);
    expect(s.readdir("/sys/bus/platform/drivers")).toEqual([]); // dmasim registers no platform driver
    expect(s.readdir(DRV)).toEqual(["bind", DMAC, "unbind"]);
    s.writeFile(`${DRV}/unbind`, `${DMAC}\n`);
    expect(s.readdir(DRV)).toEqual(["bind", "unbind"]);
    // bind and unbind are 0200: kernfs refuses to open them for reading, root too.
    expect(errnoOf(() => s.readFile(`${DRV}/unbind`))).toBe(-EACCES);
    expect(errnoOf(() => s.readdir(`${DRV}/bind`))).toBe(-ENOTDIR);
    expect(errnoOf(() => s.readdir("/sys/bus/amba/drivers/nosuch"))).toBe(-ENOENT);
  });
});

describe("unbind", () => {
  it("of the pl330 with a mapping left: no DMA-API line and no error (Linux watches only PCI unbinds), dmasim's note with the count and the entry", async () => {
    const s = await createSystem({ board: "zynq-7000", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(DMAC);
    const va = s.kernel.kmalloc(256, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va); // Zynq: DMA address = physical address
    dma_map_single(dev, va, 256, DMA_TO_DEVICE);
    const errors = s.readFile("/sys/kernel/debug/dma-api/error_count");
    const logged = s.kernel.printk.dmesg().length;
    s.writeFile(`${DRV}/unbind`, `${DMAC}\n`);
    expect(dev.driverName).toBeUndefined();
    expect(s.dmaChannels()).toEqual([]);
    const lines = s.kernel.printk.dmesg().slice(logged).map((l) => l.text);
    expect(lines.filter((t) => t.includes("DMA-API:"))).toEqual([]);
    expect(s.readFile("/sys/kernel/debug/dma-api/error_count")).toBe(errors);
    expect(errors).toBe("0\n");
    // pl330_remove freed its microcode: the one entry left is the test's mapping.
    expect(lines.filter((t) => t.startsWith("dmasim: note"))).toEqual([
      `dmasim: note: amba ${DMAC}: driver dma-pl330 unbound with 1 DMA-API debug entry still live, e.g. ` +
        `[device address=0x${pa.toString(16).padStart(16, "0")}] [size=256 bytes] [mapped with DMA_TO_DEVICE] [mapped as single]; ` +
        "Linux reports leaked entries at unbind only for PCI devices, so a board prints nothing: the entries stay, and /sys/kernel/debug/dma-api/dump lists them",
    ]);
    // The entry stays in dma-debug's table, as the debugfs dump shows: bucket (pa >> 13) & 16383,
    // P as %pa (0x and 8 digits on 32-bit arm), length 0x100, cache line pa >> 6 (64-byte lines
    // in a CPU_V7 build) as %pa; the device has no driver now, so dev_driver_string is the bus.
    const dump = s.readFile("/sys/kernel/debug/dma-api/dump");
    const pa8 = (a: number) => "0x" + a.toString(16).padStart(8, "0");
    expect(dump).toBe(`amba ${DMAC} single idx ${Math.floor(pa / 8192) % 16384} P=${pa8(pa)} D=${pa.toString(16)} L=100 cln=${pa8(Math.floor(pa / 64))} DMA_TO_DEVICE dma map error not checked\n`);
  });

  it("then bind: the channels come back, a memcpy moves the bytes; with or without echo's newline", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const names = s.dmaChannels().map((c) => c.name);
    expect(names).toHaveLength(8);
    for (const text of [DMAC, `${DMAC}\n`]) {
      s.writeFile(`${DRV}/unbind`, text);
      expect(s.dmaChannels()).toEqual([]);
      s.writeFile(`${DRV}/bind`, text);
      expect(s.device(DMAC).driverName).toBe("dma-pl330");
      expect(s.dmaChannels().map((c) => c.name)).toEqual(names);
      expect(memcpyWorks(s)).toBe(true);
    }
  });

  it("-ENODEV for a device that is unknown, on the other bus, unbound or not this driver's; nothing changes", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const other = testDriver(s, "acme-dma", "arm,pl330");
    expect(s.readdir("/sys/bus/amba/drivers")).toEqual(["acme-dma", "dma-pl330"]);
    for (const text of ["nosuch\n", `${UART}\n`, `${DMAC}\n\n`, ` ${DMAC}`, "\n"]) {
      expect(errnoOf(() => s.writeFile(`${DRV}/unbind`, text))).toBe(-ENODEV);
    }
    // Bound to dma-pl330, not to acme-dma.
    const e = thrown<KernelError>(() => s.writeFile(`/sys/bus/amba/drivers/${other.name}/unbind`, DMAC));
    expect(e.errno).toBe(-ENODEV);
    expect(e.message).toBe(`-ENODEV: /sys/bus/amba/drivers/acme-dma/unbind: write error: ${DMAC} is bound to dma-pl330, not acme-dma`);
    expect(s.device(DMAC).driverName).toBe("dma-pl330");
    expect(s.dmaChannels()).toHaveLength(8);
    s.writeFile(`${DRV}/unbind`, DMAC);
    expect(errnoOf(() => s.writeFile(`${DRV}/unbind`, DMAC))).toBe(-ENODEV); // no driver now
    // An empty write is a write of no bytes, which sysfs_kf_write never hands to the store.
    s.writeFile(`${DRV}/unbind`, "");
  });
});

describe("what a refused bind or unbind says", () => {
  it("a name no device of the bus has: the name as compared (echo's newline dropped), the bus's devices, and the bus the device is on", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    // zynq-7000's one AMBA device is the PL330; the UART is a platform device.
    const messageOf = (file: string, text: string) => thrown<KernelError>(() => s.writeFile(`${DRV}/${file}`, text)).message;
    expect(messageOf("unbind", "nosuch\n")).toBe(`-ENODEV: ${DRV}/unbind: write error: no device "nosuch" on the amba bus (its devices: ${DMAC})`);
    expect(messageOf("bind", `${UART}\n`)).toBe(
      `-ENODEV: ${DRV}/bind: write error: no device "${UART}" on the amba bus (its devices: ${DMAC}); ${UART} is a platform device`,
    );
    // Two newlines: sysfs_streq drops one, and the name compared keeps the other.
    expect(messageOf("unbind", `${DMAC}\n\n`)).toBe(`-ENODEV: ${DRV}/unbind: write error: no device "${DMAC}\\n" on the amba bus (its devices: ${DMAC})`);
  });

  it("a driver the bus does not have: its drivers, and the same file on the bus that has it", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const wrongName = thrown<KernelError>(() => s.writeFile("/sys/bus/amba/drivers/pl330/unbind", `${DMAC}\n`));
    expect(wrongName.errno).toBe(-ENOENT);
    expect(wrongName.message).toBe('-ENOENT: /sys/bus/amba/drivers/pl330/unbind: no such file (the amba bus has no driver "pl330": its drivers: dma-pl330)');
    const wrongBus = thrown<KernelError>(() => s.writeFile("/sys/bus/platform/drivers/dma-pl330/bind", `${DMAC}\n`));
    expect(wrongBus.errno).toBe(-ENOENT);
    expect(wrongBus.message).toBe(
      '-ENOENT: /sys/bus/platform/drivers/dma-pl330/bind: no such file (the platform bus has no driver "dma-pl330": dmasim registers none there; ' +
        "dma-pl330 is on the amba bus: /sys/bus/amba/drivers/dma-pl330/bind)",
    );
    expect(thrown<KernelError>(() => s.readdir("/sys/bus/amba/drivers/nosuch")).message).toBe(
      '-ENOENT: /sys/bus/amba/drivers/nosuch: no such file or directory (the amba bus has no driver "nosuch": its drivers: dma-pl330)',
    );
    expect(s.device(DMAC).driverName).toBe("dma-pl330");
  });
});

describe("bind", () => {
  for (const [kernel, bound] of [["modern", -EBUSY], ["v4.9", -ENODEV]] as const) {
    it(`${kernel}: a bound device is ${bound === -EBUSY ? "-EBUSY" : "-ENODEV"}, to its own driver or another that matches; a non-matching driver -ENODEV`, async () => {
      const s = await createSystem({ board: "zynq-7000", kernel });
      testDriver(s, "acme-dma", "arm,pl330");
      testDriver(s, "acme-uart", "acme,uart");
      expect(errnoOf(() => s.writeFile(`${DRV}/bind`, `${DMAC}\n`))).toBe(bound);
      expect(errnoOf(() => s.writeFile("/sys/bus/amba/drivers/acme-dma/bind", DMAC))).toBe(bound);
      expect(errnoOf(() => s.writeFile("/sys/bus/amba/drivers/acme-uart/bind", DMAC))).toBe(-ENODEV);
      expect(errnoOf(() => s.writeFile(`${DRV}/bind`, UART))).toBe(-ENODEV); // a platform device
      expect(s.device(DMAC).driverName).toBe("dma-pl330");
      expect(s.dmaChannels()).toHaveLength(8);
    });
  }

  for (const [kernel, einval, defer] of [["modern", -EINVAL, -EAGAIN], ["v4.9", -ENODEV, -ENODEV]] as const) {
    it(`${kernel}: a probe that fails leaves the device unbound: ${einval === -EINVAL ? "its error, -EPROBE_DEFER as -EAGAIN" : "-ENODEV whatever it returned"}`, async () => {
      const s = await createSystem({ board: "zynq-7000", kernel });
      const failing = testDriver(s, "acme-fails", "arm,pl330", -EINVAL);
      const deferring = testDriver(s, "acme-defers", "arm,pl330", -EPROBE_DEFER);
      s.writeFile(`${DRV}/unbind`, DMAC);
      expect(errnoOf(() => s.writeFile(`/sys/bus/amba/drivers/${failing.name}/bind`, DMAC))).toBe(einval);
      expect(s.dmesg()).toContain(`acme-fails: probe of ${DMAC} failed with error -22`);
      expect(errnoOf(() => s.writeFile(`/sys/bus/amba/drivers/${deferring.name}/bind`, DMAC))).toBe(defer);
      expect(s.device(DMAC).driverName).toBeUndefined();
      s.writeFile(`${DRV}/bind`, DMAC);
      expect(s.device(DMAC).driverName).toBe("dma-pl330");
      expect(memcpyWorks(s)).toBe(true);
    });
  }
});

describe("a device of the other bus", () => {
  it("is not found by an AMBA driver's bind or unbind, even one matching its compatible: -ENODEV, nothing changes", async () => {
    // bus_find_device_by_name walks the driver's own bus only: the Zynq's UART is a platform
    // device, so an amba_driver listing its compatible still cannot take it through sysfs.
    const s = await createSystem({ board: "zynq-7000" });
    const uart = s.device(UART);
    expect(uart.bus).toBe("platform");
    const drv = testDriver(s, "acme-uart", "xlnx,xuartps");
    s.kernel.device_release_driver(uart);
    const e = thrown<KernelError>(() => s.writeFile(`/sys/bus/amba/drivers/${drv.name}/bind`, `${UART}\n`));
    expect(e.errno).toBe(-ENODEV);
    expect(e.message).toMatch(/write error: no device "e0001000\.serial(\\n)?" on the amba bus/);
    expect(uart.driverName).toBeUndefined();
    s.kernel.device_bind_driver(uart, drv.name);
    expect(errnoOf(() => s.writeFile(`/sys/bus/amba/drivers/${drv.name}/unbind`, UART))).toBe(-ENODEV);
    expect(uart.driverName).toBe(drv.name);
  });
});

describe("writes dmasim's files refuse", () => {
  it("as Linux does for root: read-only sysfs -EACCES, /proc -EIO, a directory -EISDIR, no file -ENOENT", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    expect(errnoOf(() => s.writeFile("/sys/class/dma/dma0chan0/in_use", "0\n"))).toBe(-EACCES);
    expect(errnoOf(() => s.writeFile("/proc/interrupts", "1\n"))).toBe(-EIO);
    expect(errnoOf(() => s.writeFile("/proc/iomem", "1\n"))).toBe(-EIO);
    expect(errnoOf(() => s.writeFile(DRV, "x\n"))).toBe(-EISDIR);
    expect(errnoOf(() => s.writeFile("/sys/bus/amba/drivers/dma-pl330/new_id", "x\n"))).toBe(-ENOENT);
    expect(errnoOf(() => s.writeFile("", "x"))).toBe(-ENOENT);
    expect(() => s.writeFile(`${DRV}/unbind`, 5 as unknown as string)).toThrow(TypeError);
  });
});
