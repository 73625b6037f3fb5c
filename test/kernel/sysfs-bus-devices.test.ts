// /sys/bus/<bus>/devices/<device>/: uevent as dev_uevent builds it (DRIVER= while bound,
// of_device_uevent's OF_* lines, then the bus's: amba_uevent's AMBA_ID=%08x and
// MODALIAS=amba:d%08X, platform_uevent's MODALIAS=of:N<name>T<type>C<compat>…), a platform
// device's modalias, an AMBA device's id, driver_override (every device; its reads and writes:
// sysfs-device-writes.test.ts), and the driver link while a driver is bound. The expected text
// is written from the kernel's formats and the board's .dts by hand.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createSystem } from "../../src/create.js";
import { KernelError, EISDIR, ENOENT } from "../../src/kernel/errno.js";
import { thrown } from "../helpers/thrown.js";

const DMAC = "f8003000.dma-controller";
const UART = "e0001000.serial";
const DEV = `/sys/bus/amba/devices/${DMAC}`;
const UART_DEV = `/sys/bus/platform/devices/${UART}`;
const DRV = "/sys/bus/amba/drivers/dma-pl330";
const ZYNQ = readFileSync(new URL("../../examples/boards/zynq-7000.dts", import.meta.url), "utf8");

/** The Zynq board's .dts with `extra` added after the line holding `after`. */
function zynqWith(after: string, extra: string): string {
  const at = ZYNQ.indexOf("\n", ZYNQ.indexOf(after));
  expect(at).toBeGreaterThan(0);
  return ZYNQ.slice(0, at + 1) + extra + "\n" + ZYNQ.slice(at + 1);
}

// examples/boards/zynq-7000.dts: dma-controller@f8003000 under /axi, compatible "arm,pl330",
// "arm,primecell", no device_type; serial@e0001000 under /axi, "xlnx,xuartps",
// "cdns,uart-r1p8". The PL330's ID registers give r1p1: PERIPH_ID0-3 = 0x30, 0x13, 0x24, 0x00
// (part 0x330, designer 0x41 ARM, revision 2), 0x00241330.
const DMAC_OF = "OF_NAME=dma-controller\nOF_FULLNAME=/axi/dma-controller@f8003000\nOF_COMPATIBLE_0=arm,pl330\nOF_COMPATIBLE_1=arm,primecell\nOF_COMPATIBLE_N=2\n";
const UART_OF = "OF_NAME=serial\nOF_FULLNAME=/axi/serial@e0001000\nOF_COMPATIBLE_0=xlnx,xuartps\nOF_COMPATIBLE_1=cdns,uart-r1p8\nOF_COMPATIBLE_N=2\n";

describe("an AMBA device's directory", () => {
  it("the Zynq PL330, bound: DRIVER, the OF lines, AMBA_ID and MODALIAS from its peripheral ID; id; the driver link", async () => {
    for (const kernel of ["modern", "v4.9"] as const) {
      const s = await createSystem({ board: "zynq-7000", kernel });
      expect(s.readdir(DEV)).toEqual(["driver", "driver_override", "id", "uevent"]);
      expect(s.readFile(`${DEV}/uevent`), kernel).toBe(`DRIVER=dma-pl330\n${DMAC_OF}AMBA_ID=00241330\nMODALIAS=amba:d00241330\n`);
      expect(s.readFile(`${DEV}/id`)).toBe("00241330\n");
      // The link leads to the driver's directory, and through it back to the device.
      expect(s.readdir(`${DEV}/driver`)).toEqual(["bind", DMAC, "unbind"]);
      expect(s.readFile(`${DRV}/${DMAC}/id`)).toBe("00241330\n");
      expect(s.readdir(`${DEV}/driver/${DMAC}/driver`)).toEqual(["bind", DMAC, "unbind"]);
      expect(thrown<KernelError>(() => s.readFile(`${DEV}/driver`)).errno).toBe(-EISDIR);
      expect(thrown<KernelError>(() => s.readFile(DEV)).errno).toBe(-EISDIR);
    }
  });

  it("MODALIAS=amba:d%08X and AMBA_ID=%08x of arm,primecell-periphid 0x00041330; hex digits upper- and lower-case", async () => {
    const s = await createSystem({ dts: zynqWith("compatible = \"arm,pl330\"", "\t\t\tarm,primecell-periphid = <0x00041330>;") });
    expect(s.readFile(`${DEV}/uevent`)).toBe(`DRIVER=dma-pl330\n${DMAC_OF}AMBA_ID=00041330\nMODALIAS=amba:d00041330\n`);
    // 0x000bad30 & 0xfffff != 0x41330: no driver; the hex digits show the two cases.
    const odd = await createSystem({ dts: zynqWith("compatible = \"arm,pl330\"", "\t\t\tarm,primecell-periphid = <0x000bad30>;") });
    expect(odd.readFile(`${DEV}/uevent`)).toBe(`${DMAC_OF}AMBA_ID=000bad30\nMODALIAS=amba:d000BAD30\n`);
    expect(odd.readdir(DEV)).toEqual(["driver_override", "id", "uevent"]);
  });

  it("unbind drops DRIVER and the driver link; bind brings them back; an unbind through the link works", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    s.writeFile(`${DEV}/driver/unbind`, `${DMAC}\n`); // the usual idiom: echo NAME > …/driver/unbind
    expect(s.device(DMAC).driverName).toBeUndefined();
    expect(s.readFile(`${DEV}/uevent`)).toBe(`${DMAC_OF}AMBA_ID=00241330\nMODALIAS=amba:d00241330\n`);
    expect(s.readdir(DEV)).toEqual(["driver_override", "id", "uevent"]);
    const gone = thrown<KernelError>(() => s.readdir(`${DEV}/driver`));
    expect(gone.errno).toBe(-ENOENT);
    expect(gone.message).toBe(`-ENOENT: ${DEV}/driver: no such file or directory (${DMAC} is bound to no driver: its driver link appears when one binds)`);
    expect(thrown<KernelError>(() => s.readdir(`${DRV}/${DMAC}`)).errno).toBe(-ENOENT); // nor the driver's link to it
    s.writeFile(`${DRV}/bind`, DMAC);
    expect(s.readFile(`${DEV}/uevent`)).toBe(`DRIVER=dma-pl330\n${DMAC_OF}AMBA_ID=00241330\nMODALIAS=amba:d00241330\n`);
    expect(s.readdir(DEV)).toEqual(["driver", "driver_override", "id", "uevent"]);
  });
});

describe("a platform device's directory", () => {
  it("the Zynq UART, no driver: no DRIVER line, no driver link; the OF modalias, T(null) on 6.x and T<NULL> on 4.9", async () => {
    for (const [kernel, type] of [["modern", "(null)"], ["v4.9", "<NULL>"]] as const) {
      const s = await createSystem({ board: "zynq-7000", kernel });
      const modalias = `of:NserialT${type}Cxlnx,xuartpsCcdns,uart-r1p8`;
      expect(s.readdir(UART_DEV)).toEqual(["driver_override", "modalias", "uevent"]);
      expect(s.readFile(`${UART_DEV}/uevent`), kernel).toBe(`${UART_OF}MODALIAS=${modalias}\n`);
      expect(s.readFile(`${UART_DEV}/modalias`), kernel).toBe(`${modalias}\n`);
      expect(thrown<KernelError>(() => s.readFile(`${UART_DEV}/driver`)).errno).toBe(-ENOENT);
    }
  });

  it("a bound one, alike on both kernels: DRIVER first; device_type gives OF_TYPE and T<type>; aliases ending in a number give OF_ALIAS_<n> in /aliases order", async () => {
    const dts = zynqWith("model =", '\taliases {\n\t\tserial0 = "/axi/serial@e0001000";\n\t\tconsole = "/axi/serial@e0001000";\n\t\tsram0 = "/axi/sram@fffc0000";\n\t\tttyPS1 = "/axi/serial@e0001000";\n\t};')
      .replace('compatible = "xlnx,xuartps", "cdns,uart-r1p8";', 'compatible = "xlnx,xuartps", "cdns,uart r1p8";\n\t\t\tdevice_type = "serial";');
    for (const kernel of ["modern", "v4.9"] as const) {
      const s = await createSystem({ dts, kernel });
      s.kernel.platformBus.registerDriver({ name: "xuartps", compatible: ["xlnx,xuartps"], probe: () => 0 });
      expect(s.readFile(`${UART_DEV}/uevent`), kernel).toBe(
        "DRIVER=xuartps\nOF_NAME=serial\nOF_FULLNAME=/axi/serial@e0001000\nOF_TYPE=serial\n" +
          "OF_COMPATIBLE_0=xlnx,xuartps\nOF_COMPATIBLE_1=cdns,uart r1p8\nOF_COMPATIBLE_N=2\n" +
          // "console" has no number: of_alias_scan drops it.
          "OF_ALIAS_0=serial0\nOF_ALIAS_1=ttyPS1\n" +
          // A space in a compatible is '_' in the modalias only.
          "MODALIAS=of:NserialTserialCxlnx,xuartpsCcdns,uart_r1p8\n",
      );
      expect(s.readdir(UART_DEV)).toEqual(["driver", "driver_override", "modalias", "uevent"]);
      expect(s.readdir(`${UART_DEV}/driver`)).toEqual(["bind", UART, "unbind"]);
    }
  });
});

describe("a device path that is not there", () => {
  it("-ENOENT saying which bus has the device, or what its directory has", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const wrongBus = thrown<KernelError>(() => s.readFile(`/sys/bus/amba/devices/${UART}/uevent`));
    expect(wrongBus.errno).toBe(-ENOENT);
    expect(wrongBus.message).toBe(
      `-ENOENT: /sys/bus/amba/devices/${UART}/uevent: no such file or directory (no device "${UART}" on the amba bus (its devices: ${DMAC}); ` +
        `${UART} is on the platform bus: ${UART_DEV}/uevent)`,
    );
    const noFile = thrown<KernelError>(() => s.readFile(`${DEV}/modalias`)); // the AMBA bus has no modalias attribute
    expect(noFile.errno).toBe(-ENOENT);
    expect(noFile.message).toBe(`-ENOENT: ${DEV}/modalias: no such file or directory (${DMAC}'s directory has driver, driver_override, id, uevent)`);
    expect(thrown<KernelError>(() => s.readdir(`${DEV}/uevent`)).message).toBe(`-ENOTDIR: ${DEV}/uevent: not a directory`);
  });
});
