// /sys/kernel/debug/dma-api: the counters and knobs of kernel/dma/debug.c's dma_debug_fs_init
// (lib/dma-debug.c in 4.9, which had neither nr_total_entries nor dump). Expected values from the
// kernel's rules: every error counts in error_count; num_errors (default 1) counts down the
// reports still to print unless all_errors; num_free_entries falls by one per live entry and
// min_free_entries keeps its low-water mark; driver_filter prints only errors whose device's
// dev->driver has that name (filter_write takes the first word; text not starting with a letter
// or digit switches it off).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System, SystemOptions } from "../../src/system.js";
import { dma_map_single, dma_unmap_single } from "../../src/dma/mapping.js";
import { DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { KernelError, EACCES, EINVAL, ENOENT, ERANGE } from "../../src/kernel/errno.js";
import { thrown } from "../helpers/thrown.js";

const DIR = "/sys/kernel/debug/dma-api";
const DMAC = "f8003000.dma-controller";
const UART = "e0001000.serial";

const read = (s: System, f: string) => s.readFile(`${DIR}/${f}`);
const write = (s: System, f: string, text: string) => s.writeFile(`${DIR}/${f}`, text);
const errnoOf = (f: () => unknown) => thrown<KernelError>(f).errno;

async function sys(o: SystemOptions = {}): Promise<System> {
  return createSystem({ board: "zynq-7000", dmaDebug: true, ...o });
}

/** An unmap of an address never mapped: one error ("tries to free DMA memory it has not
 *  allocated") on the device. */
function badUnmap(s: System, dev: string): void {
  dma_unmap_single(s.device(dev), 0x1000, 64, DMA_TO_DEVICE);
}

describe("/sys/kernel/debug/dma-api", () => {
  it("lists the kernel's files: 9 on modern kernels, 7 on 4.9; none without DMA-API debugging", async () => {
    expect((await sys()).readdir(DIR)).toEqual([
      "all_errors", "disabled", "driver_filter", "dump", "error_count", "min_free_entries", "nr_total_entries", "num_errors", "num_free_entries",
    ]);
    expect((await sys({ kernel: "v4.9" })).readdir(DIR)).toEqual([
      "all_errors", "disabled", "driver_filter", "error_count", "min_free_entries", "num_errors", "num_free_entries",
    ]);
    const off = await createSystem({ board: "zynq-7000" });
    expect(off.readdir("/sys")).toEqual(["bus", "class", "kernel"]);
    expect(off.readdir("/sys/kernel/debug")).toEqual([]);
    expect(errnoOf(() => off.readFile(`${DIR}/error_count`))).toBe(-ENOENT);
  });

  it("says why a file is missing: DMA-API debug off (the option that turns it on), or a file this kernel's debugfs lacks (4.9: dump)", async () => {
    const off = await createSystem({ board: "zynq-7000" });
    const why = "DMA-API debug is off on this System: turn it on with the dmaDebug option, the CLI's --dma-debug";
    expect(thrown(() => off.readFile(`${DIR}/error_count`)).message).toBe(`-ENOENT: ${DIR}/error_count: no such file or directory (${why})`);
    expect(thrown(() => off.readdir(DIR)).message).toBe(`-ENOENT: ${DIR}: no such file or directory (${why})`);
    expect(thrown(() => write(off, "num_errors", "5\n")).message).toBe(`-ENOENT: ${DIR}/num_errors: no such file (${why})`);
    const v49 = await sys({ kernel: "v4.9" });
    expect(thrown(() => read(v49, "dump")).message).toBe(
      `-ENOENT: ${DIR}/dump: no such file or directory (4.9's dma-api has no dump; its files: ` +
        "all_errors, disabled, driver_filter, error_count, min_free_entries, num_errors, num_free_entries)",
    );
  });

  it("after boot: the pool less the pl330's microcode, no errors, one report to print", async () => {
    // Modern: 65536 entries preallocated; the pl330's probe holds one coherent allocation.
    const s = await sys();
    expect(read(s, "nr_total_entries")).toBe("65536\n");
    expect(read(s, "num_free_entries")).toBe("65535\n");
    expect(read(s, "min_free_entries")).toBe("65535\n");
    expect(read(s, "error_count")).toBe("0\n");
    expect(read(s, "num_errors")).toBe("1\n");
    expect(read(s, "all_errors")).toBe("0\n");
    expect(read(s, "disabled")).toBe("N\n");
    expect(read(s, "driver_filter")).toBe(""); // filter_read returns nothing while it is off
    // 4.9 arm preallocates 4096 (PREALLOC_DMA_DEBUG_ENTRIES of the arch).
    expect(read(await sys({ kernel: "v4.9" }), "num_free_entries")).toBe("4095\n");
  });

  it("num_free_entries follows the live entries, min_free_entries keeps the low-water mark", async () => {
    const s = await sys();
    const dev = s.device(UART);
    const vas = [0, 1, 2].map(() => s.kernel.kmalloc(64, GFP_KERNEL));
    const dmas = vas.map((va) => dma_map_single(dev, va, 64, DMA_TO_DEVICE));
    expect(read(s, "num_free_entries")).toBe(`${65535 - 3}\n`);
    expect(read(s, "min_free_entries")).toBe(`${65535 - 3}\n`);
    dmas.forEach((d) => dma_unmap_single(dev, d, 64, DMA_TO_DEVICE));
    expect(read(s, "num_free_entries")).toBe("65535\n");
    expect(read(s, "min_free_entries")).toBe(`${65535 - 3}\n`);
  });

  it("error_count counts every error; num_errors the reports left; writing them changes what prints", async () => {
    const s = await sys();
    const reports = () => s.kernel.dma.debug.reports.length;
    badUnmap(s, UART);
    expect([read(s, "error_count"), read(s, "num_errors"), reports()]).toEqual(["1\n", "0\n", 1]);
    badUnmap(s, UART);
    expect([read(s, "error_count"), read(s, "num_errors"), reports()]).toEqual(["2\n", "0\n", 1]);
    write(s, "num_errors", "2\n");
    badUnmap(s, UART);
    badUnmap(s, UART);
    badUnmap(s, UART);
    expect([read(s, "error_count"), read(s, "num_errors"), reports()]).toEqual(["5\n", "0\n", 3]);
    write(s, "all_errors", "7\n"); // any nonzero value shows all; the file keeps the number
    expect(read(s, "all_errors")).toBe("7\n");
    badUnmap(s, UART);
    expect([read(s, "error_count"), read(s, "num_errors"), reports()]).toEqual(["6\n", "0\n", 4]);
    write(s, "num_errors", "0x10");
    expect(read(s, "num_errors")).toBe("16\n");
    write(s, "num_errors", "010\n"); // base 0: octal
    expect(read(s, "num_errors")).toBe("8\n");
  });

  it("refuses writes as root sees them: a read-only number -EACCES, the bool and dump -EINVAL, no number -EINVAL", async () => {
    const s = await sys();
    for (const f of ["error_count", "num_free_entries", "min_free_entries", "nr_total_entries"]) expect(errnoOf(() => write(s, f, "0\n"))).toBe(-EACCES);
    expect(errnoOf(() => write(s, "disabled", "1\n"))).toBe(-EINVAL);
    expect(errnoOf(() => write(s, "dump", "\n"))).toBe(-EINVAL);
    for (const text of ["abc\n", "-1\n", "1 2\n", "08\n", ""]) expect(errnoOf(() => write(s, "num_errors", text))).toBe(-EINVAL);
    expect(read(s, "num_errors")).toBe("1\n");
    expect(read(s, "disabled")).toBe("N\n");
  });

  it("v4.9's simple_strtoll takes the number at the start, 0 for none, -1 as 4294967295", async () => {
    const s = await sys({ kernel: "v4.9" });
    write(s, "num_errors", "3 apples\n");
    expect(read(s, "num_errors")).toBe("3\n");
    write(s, "num_errors", "abc\n");
    expect(read(s, "num_errors")).toBe("0\n");
    write(s, "num_errors", "-1\n");
    expect(read(s, "num_errors")).toBe("4294967295\n");
    // Base 0 as kstrtoull: several decimal digits are decimal, a leading 0 octal.
    write(s, "num_errors", "12\n");
    expect(read(s, "num_errors")).toBe("12\n");
    write(s, "num_errors", "017\n");
    expect(read(s, "num_errors")).toBe("15\n");
  });
});

describe("numbers written as simple_attr_write reads them", () => {
  // simple_attr_write copies at most sizeof(set_buf) - 1 = 23 bytes, parses them (kstrtoull base
  // 0 on modern kernels, simple_strtoll in 4.9) and debugfs_u32_set stores the low 32 bits.
  it("modern: a leading '+', up to 2^64 - 1 kept as its low 32 bits, -ERANGE past it, nothing after the newline", async () => {
    const s = await sys();
    write(s, "num_errors", "+5\n");
    expect(read(s, "num_errors")).toBe("5\n");
    write(s, "num_errors", "4294967296\n"); // 2^32: its low 32 bits are 0
    expect(read(s, "num_errors")).toBe("0\n");
    write(s, "num_errors", "18446744073709551615\n"); // 2^64 - 1
    expect(read(s, "num_errors")).toBe("4294967295\n");
    expect(errnoOf(() => write(s, "num_errors", "18446744073709551616\n"))).toBe(-ERANGE); // 2^64
    for (const text of ["5 \n", "5\n\n", " 5\n"]) expect(errnoOf(() => write(s, "num_errors", text))).toBe(-EINVAL);
    expect(read(s, "num_errors")).toBe("4294967295\n");
  });

  it("a number is read from the first 23 bytes only: 26 zeros and a 5 are 0", async () => {
    for (const kernel of ["modern", "v4.9"] as const) {
      const s = await sys({ kernel });
      write(s, "num_errors", `${"0".repeat(26)}5\n`);
      expect(read(s, "num_errors"), kernel).toBe("0\n");
    }
  });

  it("num_errors of 2^32 + 1 is 1: one more report prints, then none", async () => {
    const s = await sys();
    const reports = () => s.kernel.dma.debug.reports.length;
    badUnmap(s, UART); // the one report num_errors allowed at boot
    write(s, "num_errors", "4294967297\n");
    expect(read(s, "num_errors")).toBe("1\n");
    badUnmap(s, UART);
    badUnmap(s, UART);
    expect([read(s, "error_count"), read(s, "num_errors"), reports()]).toEqual(["3\n", "0\n", 2]);
  });

  it("v4.9: a leading 0 is octal, 0x hex, as simple_strtoll's base 0 reads them", async () => {
    const s = await sys({ kernel: "v4.9" });
    write(s, "num_errors", "010\n");
    expect(read(s, "num_errors")).toBe("8\n");
    write(s, "num_errors", "0x1f\n");
    expect(read(s, "num_errors")).toBe("31\n");
    write(s, "num_errors", "09\n"); // 9 is no octal digit: the number is the 0 before it
    expect(read(s, "num_errors")).toBe("0\n");
  });
});

describe("driver_filter", () => {
  it("is switched off by text whose first character is no letter or digit (isalnum), saying so only if it was on", async () => {
    const s = await sys();
    const offLines = () => s.dmesg().split("\n").filter((l) => l.includes("switching off dma-debug driver filter")).length;
    write(s, "driver_filter", "\n");
    expect(offLines()).toBe(0); // no filter to switch off: filter_write prints nothing
    for (const text of ["_xuartps\n", "-xuartps\n", " xuartps\n"]) {
      write(s, "driver_filter", "xuartps\n");
      expect(read(s, "driver_filter")).toBe("xuartps\n");
      write(s, "driver_filter", text);
      expect(read(s, "driver_filter"), JSON.stringify(text)).toBe("");
    }
    expect(offLines()).toBe(3);
  });

  it("keeps at most 63 characters of a name (NAME_MAX_LEN - 1)", async () => {
    const s = await sys();
    write(s, "driver_filter", `${"a".repeat(70)}\n`);
    expect(read(s, "driver_filter")).toBe(`${"a".repeat(63)}\n`);
    expect(s.dmesg()).toContain(`DMA-API: enable driver filter for driver [${"a".repeat(63)}]`);
  });

  it("prints only the named driver's errors, counting all; the first word names it; a blank line switches it off", async () => {
    const s = await sys({ dmaDebug: { enabled: true, allErrors: true } });
    s.kernel.device_bind_driver(s.device(UART), "xuartps");
    write(s, "driver_filter", "xuartps trailing words\n");
    expect(read(s, "driver_filter")).toBe("xuartps\n");
    expect(s.dmesg()).toContain("DMA-API: enable driver filter for driver [xuartps]");
    badUnmap(s, DMAC); // dma-pl330's: counted, not printed
    badUnmap(s, UART);
    expect(read(s, "error_count")).toBe("2\n");
    expect(s.kernel.dma.debug.reports).toEqual([
      "DMA-API: xuartps e0001000.serial: device driver tries to free DMA memory it has not allocated [device address=0x0000000000001000] [size=64 bytes]",
    ]);
    write(s, "driver_filter", "\n");
    expect(read(s, "driver_filter")).toBe("");
    expect(s.dmesg()).toContain("DMA-API: switching off dma-debug driver filter");
    badUnmap(s, DMAC);
    expect(s.kernel.dma.debug.reports).toHaveLength(2);
  });

  it("has no say over an unbind's leak: Linux counts no error for an AMBA device, and dmasim's note shows whatever it names", async () => {
    for (const filter of ["dma-pl330", "xuartps"]) {
      const s = await sys({ dmaDebug: { enabled: true, allErrors: true } });
      const dev = s.device(DMAC);
      dma_map_single(dev, s.kernel.kmalloc(64, GFP_KERNEL), 64, DMA_TO_DEVICE);
      write(s, "driver_filter", `${filter}\n`);
      s.writeFile("/sys/bus/amba/drivers/dma-pl330/unbind", DMAC);
      expect(read(s, "error_count")).toBe("0\n");
      expect(s.kernel.dma.debug.reports).toEqual([]);
      expect(s.kernel.printk.grep("dmasim: note")).toEqual([expect.stringMatching(/^dmasim: note: amba f8003000\.dma-controller: driver dma-pl330 unbound with 1 DMA-API debug entry still live, e\.g\. \[device address=0x[0-9a-f]{16}\] \[size=64 bytes\] /)]);
    }
  });
});
