// Writing a device's uevent and driver_override (both 0644 in Linux). Expected results come from
// the kernel sources, worked by hand:
// - uevent_store on 4.9: kobject_action_type takes exactly one of add, remove, change, move,
//   online, offline (one trailing newline dropped); anything else is dev_err "uevent: unknown
//   action-string" and the store still returns count.
// - uevent_store on 6.x: kobject_synth_uevent takes those and bind, unbind as the first word,
//   then optionally a UUID and " KEY=value" pairs of [A-Za-z0-9]; anything else is -EINVAL, and
//   dev_err "uevent: failed to send synthetic uevent: -22".
// - driver_override: show "%s\n" ("(null)" unset; 4.9's AMBA show prints nothing unset); store
//   keeps the text up to the first newline, nothing clears it; 6.x's driver_set_override refuses
//   count >= PAGE_SIZE - 1 = 4095; kernfs hands a store at most PAGE_SIZE = 4096 bytes a call.
// - platform_match / amba_match: with driver_override set, only the driver of that name matches.
// A write returns its length in bytes, as write(2).

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { KernelError, EACCES, EINVAL, ENODEV } from "../../src/kernel/errno.js";
import { KERN_ERR } from "../../src/kernel/printk.js";
import { thrown } from "../helpers/thrown.js";

const DMAC = "f8003000.dma-controller";
const UART = "e0001000.serial";
const DEV = `/sys/bus/amba/devices/${DMAC}`;
const UART_DEV = `/sys/bus/platform/devices/${UART}`;
const PL330 = "/sys/bus/amba/drivers/dma-pl330";
const UUID = "0123abcd-4567-89ef-ABCD-0123456789ab";

/** The kernel log lines a call adds, as [level, text]. */
function logged(s: System, f: () => unknown): [number, string][] {
  const before = s.kernel.printk.dmesg().length;
  f();
  return s.kernel.printk.dmesg().slice(before).map((l) => [l.level, l.text]);
}

describe("writing uevent on 6.x (kobject_synth_uevent)", () => {
  it("takes each of the eight actions, with or without the newline echo adds; returns the bytes written and logs nothing", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    for (const action of ["add", "remove", "change", "move", "online", "offline", "bind", "unbind"]) {
      expect(logged(s, () => expect(s.writeFile(`${DEV}/uevent`, `${action}\n`)).toBe(action.length + 1))).toEqual([]);
    }
    expect(s.writeFile(`${UART_DEV}/uevent`, "change")).toBe(6);
    // Reading it is untouched: the pl330 stays bound.
    expect(s.readFile(`${DEV}/uevent`)).toMatch(/^DRIVER=dma-pl330\n/);
  });

  it("takes a UUID and KEY=value pairs after the action", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    expect(s.writeFile(`${DEV}/uevent`, `add ${UUID}\n`)).toBe(3 + 1 + 36 + 1);
    expect(s.writeFile(`${DEV}/uevent`, `change ${UUID} A=b KEY2=Value9\n`)).toBe(6 + 1 + 36 + 4 + 12 + 1);
  });

  it("refuses an unknown action with -EINVAL and the dev_err Linux logs (the bus's name while unbound)", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    let e!: KernelError;
    expect(logged(s, () => (e = thrown<KernelError>(() => s.writeFile(`${DEV}/uevent`, "bogus\n"))))).toEqual([
      [KERN_ERR, `dma-pl330 ${DMAC}: uevent: failed to send synthetic uevent: -22`],
    ]);
    expect(e.errno).toBe(-EINVAL);
    expect(e.message).toBe(
      `-EINVAL: ${DEV}/uevent: write error: unknown uevent action string "bogus" (the actions: add, remove, change, move, online, offline, bind, unbind)`,
    );
    expect(logged(s, () => expect(thrown<KernelError>(() => s.writeFile(`${UART_DEV}/uevent`, "\n")).errno).toBe(-EINVAL))).toEqual([
      [KERN_ERR, `platform ${UART}: uevent: failed to send synthetic uevent: -22`],
    ]);
    // "Change" is not "change"; "add" with more after it and no space is no action either.
    for (const text of ["Change\n", "addx\n", "change\n\n"]) expect(thrown<KernelError>(() => s.writeFile(`${DEV}/uevent`, text)).errno, text).toBe(-EINVAL);
  });

  it("refuses arguments that are not a UUID and KEY=value pairs", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const bad = [
      "add \n", // a space and nothing: kobject_action_args has no UUID
      "add xyz\n",
      `add ${UUID.replace("0", "g")}\n`, // not a hex digit
      `add ${UUID.replaceAll("-", "_")}\n`,
      `add ${UUID}x\n`, // the UUID must end the text or be followed by a space
      `add ${UUID} \n`, // a space and no key
      `add ${UUID} K\n`, // no '='
      `add ${UUID} K=\n`, // no value
      `add ${UUID} =v\n`, // no key
      `add ${UUID} K-1=v\n`, // '-' is no letter or digit
      `add ${UUID} K=v  L=w\n`, // two spaces
      `add ${UUID} K=vé\n`, // é's UTF-8 bytes are no letters to the kernel's isalnum
    ];
    for (const text of bad) {
      const e = thrown<KernelError>(() => s.writeFile(`${DEV}/uevent`, text));
      expect(e.errno, text).toBe(-EINVAL);
      expect(e.message, text).toMatch(/: write error: incorrect uevent action arguments: /);
    }
  });
});

describe("writing uevent on 4.9 (kobject_action_type)", () => {
  it("takes the six actions of 4.9; bind, unbind, arguments and anything else log 'unknown action-string' and still succeed", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    for (const action of ["add", "remove", "change", "move", "online", "offline"]) {
      expect(logged(s, () => expect(s.writeFile(`${DEV}/uevent`, `${action}\n`)).toBe(action.length + 1))).toEqual([]);
    }
    for (const text of ["bind\n", "unbind\n", `add ${UUID}\n`, "bogus\n", "\n"]) {
      expect(logged(s, () => expect(s.writeFile(`${DEV}/uevent`, text), text).toBe(text.length))).toEqual([
        [KERN_ERR, `dma-pl330 ${DMAC}: uevent: unknown action-string`],
      ]);
    }
  });
});

describe("a device's files by mode", () => {
  it("an empty write reaches no store (0 bytes); modalias and id stay read-only (-EACCES, 0444)", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    expect(logged(s, () => expect(s.writeFile(`${DEV}/uevent`, "")).toBe(0))).toEqual([]);
    expect(s.writeFile(`${DEV}/driver_override`, "")).toBe(0);
    expect(s.readFile(`${DEV}/driver_override`)).toBe("(null)\n");
    for (const path of [`${DEV}/id`, `${UART_DEV}/modalias`]) {
      const e = thrown<KernelError>(() => s.writeFile(path, "x\n"));
      expect(e.errno).toBe(-EACCES);
      expect(e.message).toBe(`-EACCES: ${path}: permission denied (a read-only sysfs attribute, mode 0444)`);
    }
  });
});

describe("driver_override", () => {
  it("shows (null) while unset, but 4.9's AMBA show prints nothing", async () => {
    for (const [kernel, amba] of [["modern", "(null)\n"], ["v4.9", ""]] as const) {
      const s = await createSystem({ board: "zynq-7000", kernel });
      expect(s.readFile(`${UART_DEV}/driver_override`), kernel).toBe("(null)\n");
      expect(s.readFile(`${DEV}/driver_override`), kernel).toBe(amba);
    }
  });

  it("keeps the text up to its first newline; a newline alone clears it", async () => {
    for (const kernel of ["modern", "v4.9"] as const) {
      const s = await createSystem({ board: "zynq-7000", kernel });
      const path = `${UART_DEV}/driver_override`;
      expect(s.writeFile(path, "xuartps\n")).toBe(8);
      expect(s.readFile(path)).toBe("xuartps\n");
      expect(s.writeFile(path, "other")).toBe(5);
      expect(s.readFile(path)).toBe("other\n");
      expect(s.writeFile(path, "one\ntwo\n")).toBe(8);
      expect(s.readFile(path)).toBe("one\n");
      expect(s.writeFile(path, "\n")).toBe(1);
      expect(s.readFile(path), kernel).toBe("(null)\n");
    }
  });

  it("6.x refuses 4095 bytes or more (-EINVAL, the old value kept); 4.9 stores what kernfs hands it, PAGE_SIZE bytes a call", async () => {
    const long = "a".repeat(4096) + "b".repeat(10) + "\n"; // 4107 bytes: kernfs gives 4096, then 11
    const modern = await createSystem({ board: "zynq-7000" });
    const path = `${UART_DEV}/driver_override`;
    modern.writeFile(path, "keep\n");
    expect(modern.writeFile(path, "x".repeat(4094))).toBe(4094);
    expect(modern.readFile(path)).toBe(`${"x".repeat(4094)}\n`);
    modern.writeFile(path, "keep\n");
    for (const text of ["x".repeat(4095), "x".repeat(4094) + "\n", long]) {
      const e = thrown<KernelError>(() => modern.writeFile(path, text));
      expect(e.errno).toBe(-EINVAL);
      expect(modern.readFile(path)).toBe("keep\n");
    }
    const old = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    expect(old.writeFile(path, "x".repeat(4095))).toBe(4095);
    expect(old.readFile(path)).toBe(`${"x".repeat(4095)}\n`);
    expect(old.writeFile(path, long)).toBe(4107);
    expect(old.readFile(path)).toBe("bbbbbbbbbb\n"); // the second call's text
  });

  it("lets only the named driver bind: another is -ENODEV saying why, the named one binds", async () => {
    for (const kernel of ["modern", "v4.9"] as const) {
      const s = await createSystem({ board: "zynq-7000", kernel });
      s.writeFile(`${DEV}/driver_override`, "vfio-amba\n");
      // Setting it probes nothing: the bound driver stays.
      expect(s.readdir(DEV)).toEqual(["driver", "driver_override", "id", "uevent"]);
      s.writeFile(`${PL330}/unbind`, DMAC);
      const e = thrown<KernelError>(() => s.writeFile(`${PL330}/bind`, `${DMAC}\n`));
      expect(e.errno).toBe(-ENODEV);
      expect(e.message).toBe(
        `-ENODEV: ${PL330}/bind: write error: dma-pl330 does not match ${DMAC} (its driver_override is "vfio-amba": only the amba driver of that name ` +
          `matches it; echo > ${DEV}/driver_override clears it)`,
      );
      expect(s.device(DMAC).driverName, kernel).toBeUndefined();
      s.writeFile(`${DEV}/driver_override`, "dma-pl330\n");
      expect(s.writeFile(`${PL330}/bind`, `${DMAC}\n`)).toBe(DMAC.length + 1);
      expect(s.readFile(`${DEV}/uevent`)).toMatch(/^DRIVER=dma-pl330\n/);
    }
  });

  it("matches the named driver whatever its table says, and keeps a compatible driver off", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const probed: string[] = [];
    s.writeFile(`${UART_DEV}/driver_override`, "my-uart\n");
    // The UART's compatible (xlnx,xuartps) is in xuartps's table, but the override names another.
    s.kernel.platformBus.registerDriver({ name: "xuartps", compatible: ["xlnx,xuartps"], probe: (p) => (probed.push(`xuartps ${p.name}`), 0) });
    expect(probed).toEqual([]);
    // my-uart's table names nothing the UART has: platform_match takes it by the override.
    s.kernel.platformBus.registerDriver({ name: "my-uart", compatible: ["acme,other"], probe: (p) => (probed.push(`my-uart ${p.name}`), 0) });
    expect(probed).toEqual([`my-uart ${UART}`]);
    expect(s.readFile(`${UART_DEV}/uevent`)).toMatch(/^DRIVER=my-uart\n/);
    // Cleared, the table match works again once the device is free.
    s.writeFile(`${UART_DEV}/driver/unbind`, UART);
    s.writeFile(`${UART_DEV}/driver_override`, "\n");
    s.writeFile("/sys/bus/platform/drivers/xuartps/bind", UART);
    expect(probed).toEqual([`my-uart ${UART}`, `xuartps ${UART}`]);
  });

  it("names a driver of the device's own bus only: an AMBA driver of that name does not take a platform device", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    s.writeFile(`${UART_DEV}/driver_override`, "dma-pl330\n");
    expect(s.kernel.platformBus.attach(s.device(UART))).toBe(0); // device_attach: no driver
    expect(s.readdir(UART_DEV)).toEqual(["driver_override", "modalias", "uevent"]);
  });
});

describe("dmasim cat --write", () => {
  const root = new URL("../..", import.meta.url).pathname;
  const run = (args: string[]) => spawnSync(process.execPath, [join(root, "dist/src/cli.js"), ...args], { cwd: root, encoding: "utf8" });

  it("sets driver_override and shows it; a bad uevent action prints Linux's line and fails", () => {
    const ok = run(["cat", "--write", `${UART_DEV}/driver_override=xuartps`, `${UART_DEV}/driver_override`]);
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toBe("xuartps\n");
    const bad = run(["cat", "--write", `${DEV}/uevent=bogus`]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`^\\[ *\\d+\\.\\d{6}\\] dma-pl330 ${DMAC}: uevent: failed to send synthetic uevent: -22\n.*-EINVAL: ${DEV}/uevent: write error: unknown uevent action string "bogus"`, "s"));
  });
});
