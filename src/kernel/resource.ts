// The tree of physical address ranges (kernel/resource.c, iomem_resource) and its /proc/iomem
// view: "System RAM" per memory bank with the kernel image inside, each AMBA device's registers
// (claimed when the device is added, named after its node), and the regions drivers request
// (request_mem_region, devm_ioremap_resource in devm-ioremap.ts), which nest inside what they
// fall in. A platform device created from the tree claims nothing (of_device_add), so only its
// driver's request shows it.

import type { Kernel } from "./kernel.js";

export const IORESOURCE_MEM = 0x200;
export const IORESOURCE_SYSTEM_RAM = 0x1000000;
export const IORESOURCE_BUSY = 0x80000000;

/** struct resource: an inclusive range [start, end]. */
export interface IoResource {
  start: number;
  end: number;
  name: string;
  flags: number;
  children: IoResource[];
  parent?: IoResource;
}

/** One line of /proc/iomem as data. */
export interface IomemEntry {
  start: number;
  end: number;
  name: string;
  depth: number;
}

export class ResourceTree {
  readonly root: IoResource;

  constructor(name: string, end: number) {
    this.root = { start: 0, end, name, flags: IORESOURCE_MEM, children: [] };
  }

  /** __request_resource: `res` as a child of `parent`, or the resource it conflicts with. */
  private place(parent: IoResource, res: IoResource): IoResource | undefined {
    if (res.end < res.start || res.start < parent.start || res.end > parent.end) return parent;
    const list = parent.children;
    let i = 0;
    while (i < list.length && list[i].end < res.start) i++;
    if (i < list.length && list[i].start <= res.end) return list[i];
    res.parent = parent;
    list.splice(i, 0, res);
    return undefined;
  }

  /** request_resource: claims `res` directly under `parent` (the root by default); false when
   *  it overlaps something already there. */
  request(res: IoResource, parent: IoResource = this.root): boolean {
    return this.place(parent, res) === undefined;
  }

  /** __request_region: claims a busy region, descending into the non-busy resource that
   *  contains it (a driver's request nests inside its device's entry). */
  requestRegion(start: number, size: number, name: string): IoResource | undefined {
    const res: IoResource = { start, end: start + size - 1, name, flags: IORESOURCE_MEM | IORESOURCE_BUSY, children: [] };
    let parent = this.root;
    for (;;) {
      const conflict = this.place(parent, res);
      if (!conflict) return res;
      if (conflict === parent || conflict.flags & IORESOURCE_BUSY) return undefined;
      parent = conflict;
    }
  }

  /** insert_resource: like request, but the new resource may go inside one that contains it
   *  and adopts those it contains. Returns false on a partial overlap. */
  insert(start: number, end: number, name: string, flags = IORESOURCE_MEM, parent: IoResource = this.root): boolean {
    for (const c of parent.children) {
      const inside = start >= c.start && end <= c.end;
      if (inside && !(start === c.start && end === c.end)) return this.insert(start, end, name, flags, c);
      const around = c.start >= start && c.end <= end;
      if (start <= c.end && end >= c.start && !around) return false;
    }
    const res: IoResource = { start, end, name, flags, children: [], parent };
    res.children = parent.children.filter((c) => c.start >= start && c.end <= end);
    for (const c of res.children) c.parent = res;
    parent.children = parent.children.filter((c) => !(c.start >= start && c.end <= end));
    const i = parent.children.findIndex((c) => c.start > start);
    parent.children.splice(i < 0 ? parent.children.length : i, 0, res);
    return true;
  }

  release(res: IoResource): void {
    const list = res.parent?.children;
    const i = list?.indexOf(res) ?? -1;
    if (list && i >= 0) list.splice(i, 1, ...res.children.map((c) => ({ ...c, parent: res.parent })));
  }

  entries(): IomemEntry[] {
    const out: IomemEntry[] = [];
    const visit = (r: IoResource, depth: number) => {
      for (const c of r.children) {
        out.push({ start: c.start, end: c.end, name: c.name, depth });
        // kernel/resource.c shows at most MAX_IORES_LEVEL (5) levels.
        if (depth < 4) visit(c, depth + 1);
      }
    };
    visit(this.root, 0);
    return out;
  }

  /** /proc/iomem as Linux prints it (r_show): two spaces per level, 8+ hex digits. */
  text(): string {
    return this.entries()
      .map((e) => `${"  ".repeat(e.depth)}${e.start.toString(16).padStart(8, "0")}-${e.end.toString(16).padStart(8, "0")} : ${e.name}\n`)
      .join("");
  }
}

/** request_standard_resources: a "System RAM" entry per memory bank, busy (arm and arm64 set
 *  IORESOURCE_BUSY on it), so no driver's request_mem_region can nest inside RAM. */
export function requestSystemRam(kernel: Kernel, banks: { start: number; size: number }[]): void {
  for (const b of banks) {
    kernel.iomem.request({ start: b.start, end: b.start + b.size - 1, name: "System RAM", flags: IORESOURCE_MEM | IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, children: [] });
  }
}

/** A memory range as %pR prints it (lib/vsprintf.c resource_string: field width 10, zero-padded,
 *  so at least 8 hex digits): `[mem 0x00001000-0x00001fff]`. */
export function formatMemResource(start: number, size: number): string {
  const pad = (n: number) => "0x" + n.toString(16).padStart(8, "0");
  return `[mem ${pad(start)}-${pad(start + size - 1)}]`;
}

/** request_mem_region: null when the range is taken. */
export function request_mem_region(kernel: Kernel, start: number, n: number, name: string): IoResource | null {
  return kernel.iomem.requestRegion(start, n, name) ?? null;
}

export function release_mem_region(kernel: Kernel, res: IoResource): void {
  kernel.iomem.release(res);
}
