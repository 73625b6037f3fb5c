// system.dmesg({ raw: true }): the log as `dmesg -r` shows it, each line led by "<level>" (kernel
// messages have facility 0, so the number is the level: 6 KERN_INFO, 4 KERN_WARNING, 7
// KERN_DEBUG), the rest of the line as plain dmesg shows it. And which levels a console at the
// default console_loglevel (7) prints: those below it.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { consolePrints } from "../../src/kernel/printk.js";

describe("dmesg -r", () => {
  it("leads each line with its level; without raw the text is unchanged", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    s.kernel.printk.warn("a warning");
    s.kernel.printk.debug("a debug line");
    const plain = s.dmesg().split("\n");
    const raw = s.dmesg({ raw: true }).split("\n");
    expect(raw.length).toBe(plain.length);
    expect(raw[0]).toBe(`<6>${plain[0]}`);
    expect(plain[0]).toMatch(/^\[ {4}0\.000000\] Booting Linux /);
    expect(raw.slice(-2)).toEqual([`<4>${plain.at(-2)}`, `<7>${plain.at(-1)}`]);
    expect(plain.slice(-2).map((l) => l.replace(/^\[[ \d.]+\] /, ""))).toEqual(["a warning", "a debug line"]);
  });

  it("in a worker too", async () => {
    const s = await createSystem({ board: "zynq-7000", worker: true });
    try {
      const raw = (await s.dmesg({ raw: true })).split("\n");
      expect(raw.map((l) => l.replace(/^<6>/, ""))).toEqual((await s.dmesg()).split("\n"));
      expect(raw[0]).toMatch(/^<6>\[ {4}0\.000000\] Booting Linux /);
    } finally {
      await s.close();
    }
  });
});

describe("console_loglevel 7", () => {
  it("prints KERN_EMERG (0) through KERN_INFO (6), not KERN_DEBUG (7)", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((l) => consolePrints(l))).toEqual([true, true, true, true, true, true, true, false]);
    // loglevel=8 (or ignore_loglevel) shows debug lines too.
    expect(consolePrints(7, 8)).toBe(true);
  });
});
