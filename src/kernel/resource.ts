// The physical resource tree (kernel/resource.c) behind /proc/iomem: System RAM with the kernel
// image inside it, and the register windows of platform devices. A resource is inserted under
// the deepest existing resource that contains it; partial overlaps are conflicts.

import type { PhysAddr } from "../hw/address.js";

export interface IoResource {
  start: PhysAddr;
  /** Inclusive, as struct resource keeps it. */
  end: PhysAddr;
  name: string;
  children: IoResource[];
}

export class ResourceTree {
  readonly root: IoResource = { start: 0, end: Number.MAX_SAFE_INTEGER, name: "PCI mem", children: [] };

  /** insert_resource: returns the conflicting resource, or null when inserted. Resources the
   *  new one fully contains move under it. */
  insert(start: PhysAddr, end: PhysAddr, name: string, parent: IoResource = this.root): IoResource | null {
    for (const c of parent.children) {
      if (start >= c.start && end <= c.end && !(start === c.start && end === c.end)) return this.insert(start, end, name, c);
      if (start <= c.end && end >= c.start && !(c.start >= start && c.end <= end)) return c;
    }
    const node: IoResource = { start, end, name, children: [] };
    node.children = parent.children.filter((c) => c.start >= start && c.end <= end);
    parent.children = parent.children.filter((c) => !(c.start >= start && c.end <= end));
    parent.children.push(node);
    parent.children.sort((a, b) => a.start - b.start);
    return null;
  }

  /** /proc/iomem (r_show): two spaces per level, addresses at least 8 hex digits. */
  format(): string {
    const lines: string[] = [];
    const walk = (r: IoResource, depth: number) => {
      for (const c of r.children) {
        const h = (a: number) => a.toString(16).padStart(8, "0");
        lines.push(`${" ".repeat(depth * 2)}${h(c.start)}-${h(c.end)} : ${c.name}`);
        walk(c, depth + 1);
      }
    };
    walk(this.root, 0);
    return lines.join("\n");
  }
}
