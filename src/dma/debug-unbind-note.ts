// What DMA-API debugging knows when a driver is unbound with mappings or coherent buffers still
// live, and a board does not say. Linux's report of them ("device driver has pending DMA
// allocations while released from device") comes from the bus notifier dma_debug_add_bus()
// installs (dma_debug_device_change on BUS_NOTIFY_UNBOUND_DRIVER), and only PCI registers it
// (drivers/pci/pci-driver.c pci_driver_init, 4.9 and 6.x; powerpc's vio and old x86/sh code did
// too). arm and arm64 only call dma_debug_init, so an AMBA or platform driver's unbind prints
// nothing and its entries stay in the table. dmasim models no PCI bus: it notes the leak in its
// own "dmasim: " line instead, counting no error.

import type { Device } from "../kernel/device.js";
import type { KernelVersion } from "../mm/layout.js";

/** Where a board shows the DMA-API debug entries still live: 4.9's debugfs has no dump file
 *  (5.1 added it), so there they show only as a count. */
export function liveEntriesShown(version: KernelVersion): string {
  return version === "modern"
    ? "/sys/kernel/debug/dma-api/dump lists them"
    : "only /sys/kernel/debug/dma-api/num_free_entries counts them (4.9 has no dump file)";
}

/** The note for `dev`, whose driver `driver` left `count` live entries; `entry` is one of them
 *  in the bracketed form Linux's report gives ("[device address=…] [size=…] …"). */
export function pendingEntriesNote(dev: Device, driver: string, count: number, entry: string, version: KernelVersion): string {
  const entries = count === 1 ? "1 DMA-API debug entry" : `${count} DMA-API debug entries`;
  return (
    `dmasim: note: ${dev.bus} ${dev.name}: driver ${driver} unbound with ${entries} still live, e.g. ${entry}; ` +
    `Linux reports leaked entries at unbind only for PCI devices, so a board prints nothing: the entries stay, and ${liveEntriesShown(version)}`
  );
}
