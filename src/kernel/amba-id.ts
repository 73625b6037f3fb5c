// The AMBA bus's peripheral ID (drivers/amba/bus.c, include/linux/amba/bus.h): an AMBA device is
// matched to its driver by the ID its registers give, not by its compatible. amba_device_add
// reads the peripheral and cell IDs from the last 0x20 bytes of the device's first register
// window (PERIPH_ID0-3 at size - 0x20, PCELL_ID0-3 at size - 0x10, the low byte of each word)
// unless the node's `arm,primecell-periphid` already gave the ID; the peripheral ID counts only
// when the cell ID is the PrimeCell's (0xB105F00D) or CoreSight's (0xB105900D). amba_match then
// takes the driver whose id_table has an entry with (periphid & mask) == id (amba_lookup).
// When that happens differs between the kernels dmasim models:
// - 4.9: amba_device_try_add reads the IDs as of_platform_populate adds the device; no valid
//   cell ID (and no periphid from the tree) is -ENODEV and the device is not added;
// - 6.x: amba_device_add tries the same read but adds the device whatever it gives (its uevent
//   suppressed); amba_match reads again while the ID is 0 and answers -EPROBE_DEFER, so the
//   device waits on the deferred list and no driver probes it.

import type { PlatformDevice } from "./device.js";
import type { DeviceNode } from "../of/node.js";
import { KERN_NOTICE } from "./printk.js";
import { formatMemResource } from "./resource.js";

/** include/linux/amba/bus.h. */
export const AMBA_CID = 0xb105f00d;
export const CORESIGHT_CID = 0xb105900d;

/** struct amba_id: a driver's id_table entry. */
export interface AmbaId {
  id: number;
  mask: number;
}

/** The IDs amba_device_try_add / amba_read_periphid read. */
export interface AmbaIdRegisters {
  pid: number;
  cid: number;
}

/** of_amba_device_create: `arm,primecell-periphid` overrides the registers (of_read_ulong of its
 *  first cell on 32-bit ARM); 0 when the node has none. */
export function ofAmbaPeriphid(np: DeviceNode): number {
  return np.has("arm,primecell-periphid") ? (np.u32("arm,primecell-periphid") ?? 0) >>> 0 : 0;
}

/** Whether dmasim built silicon for the device's node (the PL330s): only then do its ID
 *  registers say anything. Another primecell (a PL011 UART, …) has no model behind its window,
 *  so dmasim reads no ID for it and adds it as before, with no driver to match. */
export function ambaIdModelled(adev: PlatformDevice): boolean {
  return adev.kernel.board.dmacs.some((d) => d.node === adev.ofNode);
}

/** Whether dmasim can match the device by its peripheral ID: the tree gives it, or dmasim's
 *  silicon sits behind its window. Otherwise (a primecell dmasim has no model of, a node without
 *  `reg`) the ID is unknown and dmasim matches by compatible, as it did before modelling the ID. */
export function ambaIdKnowable(adev: PlatformDevice): boolean {
  return !!adev.ofNode?.has("arm,primecell-periphid") || (!!adev.memResource(0) && ambaIdModelled(adev));
}

/** PERIPH_ID0-3 and PCELL_ID0-3 from the low byte of each word of a window's last 0x20 bytes;
 *  `word(offset)` reads the word at `offset` into them (PERIPH_ID0 at 0, PCELL_ID0 at 0x10). */
export function ambaIdWords(word: (offset: number) => number): AmbaIdRegisters {
  let pid = 0;
  let cid = 0;
  for (let i = 0; i < 4; i++) {
    pid |= (word(4 * i) & 0xff) << (8 * i);
    cid |= (word(0x10 + 4 * i) & 0xff) << (8 * i);
  }
  return { pid: pid >>> 0, cid: cid >>> 0 };
}

/** Reads PERIPH_ID0-3 and PCELL_ID0-3 at the end of the device's first register window, as the
 *  CPU reads them (the PL330's APB slave decodes 12 address bits: assembly/devices.ts). dmasim
 *  reads them untimed, through the silicon's backdoor: Linux's ioremap and eight readl at
 *  populate would shift every later boot allocation and timing for a few microseconds of
 *  boot, which dmasim does not model. */
export function amba_read_id_registers(adev: PlatformDevice): AmbaIdRegisters | undefined {
  const res = adev.memResource(0);
  const dmac = adev.kernel.board.dmacs.find((d) => d.node === adev.ofNode);
  if (!res || !dmac) return undefined;
  return ambaIdWords((off) => adev.kernel.machine.backdoor.pl330Register(dmac.index, (res.size - 0x20 + off) & 0xfff));
}

/** amba_read_periphid: sets adev.periphid from the registers when the cell ID is valid. 0 when
 *  it is, -ENODEV (-19) when the device gives no peripheral ID. */
export function amba_read_periphid(adev: PlatformDevice): number {
  const ids = amba_read_id_registers(adev);
  adev.ambaIds = ids;
  if (ids && (ids.cid === AMBA_CID || ids.cid === CORESIGHT_CID)) adev.periphid = ids.pid;
  return adev.periphid ? 0 : -19;
}

/** amba_lookup: the driver's id_table entry for the device's peripheral ID. */
export function amba_lookup(table: AmbaId[], adev: PlatformDevice): AmbaId | undefined {
  return table.find((e) => ((adev.periphid & e.mask) >>> 0) === e.id);
}

/** An ID as the notes and errors print it: 0x and eight hex digits. */
export const ambaIdHex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, "0")}`;

/** Why an AMBA device has no peripheral ID, in the tree's terms, for dmasim's note. */
export function ambaNoIdText(adev: PlatformDevice): string {
  const res = adev.memResource(0)!;
  const ids = adev.ambaIds;
  const read = ids ? `read periphid ${ambaIdHex(ids.pid)}, cellid ${ambaIdHex(ids.cid)}` : "could not be read";
  return (
    `${adev.ofNode?.path ?? adev.name}: reg ${formatMemResource(res.start, res.size)}: the AMBA ID registers in its last 0x20 bytes ${read}, ` +
    `not a PrimeCell (${ambaIdHex(AMBA_CID)}) or CoreSight (${ambaIdHex(CORESIGHT_CID)}) cell ID (dmasim)`
  );
}

/** Logs a dmasim note on an AMBA device no driver took, and keeps it for the tools that print
 *  boot's notes. */
export function noteAmbaDevice(adev: PlatformDevice, note: string): void {
  adev.kernel.printk.log(KERN_NOTICE, note);
  adev.kernel.ambaNotes.push(note);
}

/** The id_table entries, as amba_id's are written. */
export function ambaIdTableText(table: AmbaId[]): string {
  return table.map((e) => `${ambaIdHex(e.id)} mask ${ambaIdHex(e.mask)}`).join(", ");
}
