// The attribute word the MMU reports for a translation (assembly/walk.ts ATTR_*), decoded into
// what a page-table dump prints: memory type, permissions, shareability, level.

/** Memory types of a translation (mmuLastAttr bits [1:0]). */
export const MEMTYPE_NAMES = ["Normal WB", "Normal NC", "Device", "Normal WT"] as const;
export type MemType = (typeof MEMTYPE_NAMES)[number];

/** The attribute word of a translation (assembly/walk.ts). */
export const ATTR = {
  RO: 1 << 2, USER: 1 << 3, XN: 1 << 4, PXN: 1 << 5, SH_SHIFT: 6, NG: 1 << 8, NOWA: 1 << 9,
  DOMAIN_SHIFT: 10, LEVEL_SHIFT: 14, NOACCESS: 1 << 16, USER_RO: 1 << 17,
} as const;

const SHAREABILITY = ["non-shareable", "reserved", "outer", "inner"] as const;

/** A translation's attributes, decoded (what ptdump prints). */
export interface PageAttributes {
  memType: MemType;
  /** Write-back without write-allocate (MAIR W = 0, or TEX remap "WB no-WA"). */
  noWriteAllocate: boolean;
  /** Privileged writes fault. */
  readOnly: boolean;
  /** No privileged access at all (v7 AP = 000). */
  noAccess: boolean;
  /** EL0 / PL0 may access. */
  user: boolean;
  /** EL0 / PL0 may only read where EL1 / PL1 may write (v7 AP = 010). */
  userReadOnly: boolean;
  /** UXN (v8) / XN (v7). */
  xn: boolean;
  pxn: boolean;
  shareability: (typeof SHAREABILITY)[number];
  global: boolean;
  /** v7 domain (0 on v8). */
  domain: number;
  /** Table level of the leaf descriptor. */
  level: number;
}

export function decodeAttr(attr: number): PageAttributes {
  return {
    memType: MEMTYPE_NAMES[attr & 3],
    noWriteAllocate: (attr & ATTR.NOWA) !== 0,
    readOnly: (attr & ATTR.RO) !== 0,
    noAccess: (attr & ATTR.NOACCESS) !== 0,
    user: (attr & ATTR.USER) !== 0,
    userReadOnly: (attr & ATTR.USER_RO) !== 0,
    xn: (attr & ATTR.XN) !== 0,
    pxn: (attr & ATTR.PXN) !== 0,
    shareability: SHAREABILITY[(attr >> ATTR.SH_SHIFT) & 3],
    global: (attr & ATTR.NG) === 0,
    domain: (attr >> ATTR.DOMAIN_SHIFT) & 15,
    level: (attr >> ATTR.LEVEL_SHIFT) & 3,
  };
}
