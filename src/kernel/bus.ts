// The platform and AMBA buses (drivers/base/platform.c, dd.c): devices are added, drivers
// registered, and a driver probes every device whose node is compatible with it (of_match:
// any of the node's compatibles in the driver's table), in device order; on the AMBA bus an
// amba_driver takes a device by its peripheral ID instead (amba_match: kernel/amba-id.ts). A probe that returns
// -EPROBE_DEFER waits and is retried after any later probe succeeds (deferred probing).

import type { Kernel } from "./kernel.js";
import type { PlatformDevice } from "./device.js";
import { ENODEV, ENXIO, EPROBE_DEFER, errnoName } from "./errno.js";
import { devres_release_all } from "./devres.js";
import { of_amba_device_decode_irq } from "../of/amba-irq.js";
import { ambaIdHex, ambaIdKnowable, amba_lookup, amba_read_periphid, ambaIdTableText, ambaNoIdText, noteAmbaDevice, type AmbaId } from "./amba-id.js";

/** What the bus needs of a driver (drivers/registry.ts's PlatformDriver has this shape). */
export interface BusDriver {
  name: string;
  /** The bus the driver registers on (its /sys/bus/<bus>/drivers/<name>): "platform" unless
   *  said (the pl330 is an amba_driver). */
  bus?: "platform" | "amba";
  /** The of_match_table: compatible strings the driver handles. */
  compatible: string[];
  /** An amba_driver's id_table: on the AMBA bus the driver takes the devices whose peripheral
   *  ID one of these entries matches, whatever their compatible. */
  id_table?: AmbaId[];
  probe(pdev: PlatformDevice): number;
  /** The driver's remove: gives back what probe took. A driver without one only drops the
   *  device (drivers written in a test or a scenario). */
  remove?(pdev: PlatformDevice): void;
}

export class PlatformBus {
  readonly devices: PlatformDevice[] = [];
  readonly drivers: BusDriver[] = [];
  private deferred: [PlatformDevice, BusDriver][] = [];

  constructor(private readonly kernel: Kernel) {}

  /** of_driver_match_device; amba_match for an amba_driver and an AMBA device. A device with a
   *  driver_override matches only the driver of that name on its own bus (platform_match and
   *  amba_match test it before any table). */
  static matches(drv: BusDriver, pdev: PlatformDevice): boolean {
    if (pdev.driver_override !== undefined) return PlatformBus.overrideMatches(drv, pdev);
    if (drv.id_table && pdev.bus === "amba" && ambaIdKnowable(pdev)) return PlatformBus.amba_match(drv.id_table, pdev);
    return !!pdev.ofNode && pdev.ofNode.compatible.some((c) => drv.compatible.includes(c));
  }

  /** The driver_override test: `!strcmp(driver_override, drv->name)` among the drivers of the
   *  device's bus. 6.x's amba_match first reads the ID registers of an AMBA device that has no
   *  peripheral ID yet and defers it (-EPROBE_DEFER, no match) while it still has none. */
  private static overrideMatches(drv: BusDriver, pdev: PlatformDevice): boolean {
    if ((drv.bus ?? "platform") !== pdev.bus) return false;
    if (pdev.bus === "amba" && ambaIdKnowable(pdev) && !pdev.periphid && amba_read_periphid(pdev) < 0) return false;
    return pdev.driver_override === drv.name;
  }

  /** amba_match: a device without a peripheral ID yet has its registers read again (6.x only:
   *  4.9 added no such device); still none is -EPROBE_DEFER, which matches nothing. */
  private static amba_match(table: AmbaId[], adev: PlatformDevice): boolean {
    if (!adev.periphid && amba_read_periphid(adev) < 0) return false;
    return amba_lookup(table, adev) !== undefined;
  }

  /** dmasim's notes, after the drivers registered, on each AMBA device that a driver's
   *  compatible names but no driver took for its peripheral ID: Linux says nothing. */
  noteAmbaUnmatched(): void {
    for (const adev of this.devices) {
      if (adev.bus !== "amba" || adev.driverName || !adev.ofNode || !ambaIdKnowable(adev)) continue;
      const drv = this.drivers.find((d) => d.id_table && adev.ofNode!.compatible.some((c) => d.compatible.includes(c)));
      if (!drv?.id_table) continue;
      const outcome = `${drv.name} never probes it (its compatible is not what amba_match compares)`;
      if (!adev.periphid) {
        noteAmbaDevice(adev, `${ambaNoIdText(adev)}: Linux's amba_device_add adds ${adev.name} all the same, and amba_match, reading them again, defers it (-EPROBE_DEFER) for good: ${outcome}`);
      } else {
        const from = adev.ofNode.has("arm,primecell-periphid") ? "arm,primecell-periphid" : "its ID registers";
        noteAmbaDevice(
          adev,
          `${adev.ofNode.path}: AMBA peripheral ID ${ambaIdHex(adev.periphid)} (from ${from}) matches no amba_id of ${drv.name} (${ambaIdTableText(drv.id_table)}) (dmasim): ${outcome}`,
        );
      }
    }
  }

  /** device_add + bus_probe_device: the first registered driver that matches probes it. */
  addDevice(pdev: PlatformDevice): void {
    this.devices.push(pdev);
    this.kernel.devices.set(pdev.name, pdev);
    const drv = this.drivers.find((d) => PlatformBus.matches(d, pdev));
    if (drv) this.probe(pdev, drv);
  }

  /** driver_register: probes every unbound device it matches. */
  registerDriver(drv: BusDriver): void {
    this.drivers.push(drv);
    for (const pdev of this.devices) {
      if (!pdev.driverName && PlatformBus.matches(drv, pdev)) this.probe(pdev, drv);
    }
  }

  /** device_attach: binds an unbound device to the first registered driver that matches it
   *  (after an unbind, or to retry). 1 when bound, 0 when no driver took it, else the probe's
   *  error. */
  attach(pdev: PlatformDevice): number {
    if (pdev.driverName) return 1;
    const drv = this.drivers.find((d) => PlatformBus.matches(d, pdev));
    if (!drv) return 0;
    const rc = this.probe(pdev, drv);
    return rc < 0 ? rc : 1;
  }

  /** The drivers registered on `bus` (bus_for_each_drv), in registration order. */
  driversOn(bus: "platform" | "amba"): BusDriver[] {
    return this.drivers.filter((d) => (d.bus ?? "platform") === bus);
  }

  /** driver_probe_device: probes `pdev` with this very driver (bind_store); the probe's result,
   *  >= 0 when bound. The caller has checked that the device has no driver and matches. */
  driver_probe_device(drv: BusDriver, pdev: PlatformDevice): number {
    return this.probe(pdev, drv);
  }

  /** The registered driver bound to a device, if it is one of the bus's. */
  driverOf(pdev: PlatformDevice): BusDriver | undefined {
    return pdev.driverName ? this.drivers.find((d) => d.name === pdev.driverName) : undefined;
  }

  /** really_probe: dev->driver is set while the driver's probe runs, so what the probe logs
   *  carries the driver's name, and cleared again if the probe fails, after devres_release_all
   *  has given back what the probe took with devm_* (its IRQs: /proc/interrupts no longer
   *  lists them). */
  private probe(pdev: PlatformDevice, drv: BusDriver): number {
    pdev.driverName = drv.name;
    pdev.probe_failure = undefined;
    if (pdev.bus === "amba") of_amba_device_decode_irq(pdev);
    const rc = drv.probe(pdev);
    if (rc >= 0) {
      this.retryDeferred();
      return rc;
    }
    devres_release_all(pdev);
    const reason = pdev.probe_failure;
    pdev.probe_failure = `${drv.name} ${pdev.name}: probe failed with ${errnoName(rc)}${reason ? `: ${reason}` : ""}`;
    pdev.driverName = undefined;
    if (rc === -EPROBE_DEFER) {
      this.kernel.printk.debug(`${drv.name} ${pdev.name}: probe deferred`);
      this.deferred.push([pdev, drv]);
    } else if (rc === -ENODEV || rc === -ENXIO) {
      // call_driver_probe: these say "not my device", which is no failure worth a warning.
      this.kernel.printk.debug(`${drv.name}: probe of ${pdev.name} rejects match ${rc}`);
    } else {
      this.kernel.printk.warn(`${drv.name}: probe of ${pdev.name} failed with error ${rc}`);
    }
    return rc;
  }

  /** driver_deferred_probe_trigger: a successful probe may be what a deferred one waited for. */
  private retryDeferred(): void {
    const waiting = this.deferred;
    this.deferred = [];
    for (const [pdev, drv] of waiting) if (!pdev.driverName) this.probe(pdev, drv);
  }
}
