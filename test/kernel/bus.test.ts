// The platform bus: drivers bind to devices by compatible, in device order, and a probe that
// asks to wait (-EPROBE_DEFER) is retried once another probe has succeeded.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { EPROBE_DEFER, ENODEV, ENOMEM } from "../../src/kernel/errno.js";
import { dev_err } from "../../src/kernel/dev-printk.js";
import type { PlatformDevice } from "../../src/kernel/device.js";

const BOARD = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	compatible = "xlnx,zynq-7000";
	memory@0 { device_type = "memory"; reg = <0x0 0x10000000>; };
	consumer@e0000000 { compatible = "test,consumer"; reg = <0xe0000000 0x100>; };
	supplier@e0001000 { compatible = "vendor,supplier-v2", "test,supplier"; reg = <0xe0001000 0x100>; };
	broken@e0002000 { compatible = "test,broken"; reg = <0xe0002000 0x100>; };
};`;

describe("platform bus", () => {
  it("defers a probe until its supplier is bound, then retries it", async () => {
    const s = await createSystem({ dts: BOARD });
    const bus = s.kernel.platformBus;
    const calls: string[] = [];
    let supplied = false;
    bus.registerDriver({
      name: "consumer-drv",
      compatible: ["test,consumer"],
      probe: (p: PlatformDevice) => (calls.push(p.name), supplied ? 0 : -EPROBE_DEFER),
    });
    expect(s.device("e0000000.consumer").driverName).toBeUndefined();
    bus.registerDriver({
      name: "supplier-drv",
      // Matches the node's second compatible.
      compatible: ["test,supplier"],
      probe: (p: PlatformDevice) => (calls.push(p.name), (supplied = true), 0),
    });
    expect(calls).toEqual(["e0000000.consumer", "e0001000.supplier", "e0000000.consumer"]);
    expect(s.device("e0000000.consumer").driverName).toBe("consumer-drv");
    expect(s.device("e0001000.supplier").driverName).toBe("supplier-drv");
  });

  it("leaves a device unbound when its probe fails, and says so as Linux's driver core does", async () => {
    const s = await createSystem({ dts: BOARD });
    s.kernel.platformBus.registerDriver({
      name: "broken-drv",
      compatible: ["test,broken"],
      probe: (p: PlatformDevice) => (dev_err(p, "out of buffers"), -ENOMEM),
    });
    expect(s.device("e0002000.broken").driverName).toBeUndefined();
    // What the probe logs carries the driver's name (dev->driver is set while it runs).
    expect(s.dmesg()).toContain("broken-drv e0002000.broken: out of buffers");
    expect(s.dmesg()).toContain("broken-drv: probe of e0002000.broken failed with error -12");
  });

  it("takes -ENODEV from a probe as 'not my device': a debug line, no warning", async () => {
    const s = await createSystem({ dts: BOARD });
    s.kernel.platformBus.registerDriver({ name: "picky-drv", compatible: ["test,broken"], probe: () => -ENODEV });
    expect(s.device("e0002000.broken").driverName).toBeUndefined();
    expect(s.dmesg()).toContain("picky-drv: probe of e0002000.broken rejects match -19");
    expect(s.dmesg()).not.toContain("failed with error");
  });
});
