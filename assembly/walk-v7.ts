// The ARMv7 short-descriptor walker as Linux arm (no LPAE) uses it (spec mmu-cache §3): TTBCR.N
// = 0 so TTBR0 translates every VA; first-level sections, 16 MB supersections and coarse tables;
// second-level 64 KB large and 4 KB small pages. Memory types go through TEX remap (SCTLR.TRE =
// 1, Linux's only configuration): n = TEX[0]:C:B picks PRRR/NMRR fields. SCTLR.AFE = 0, so AP[0]
// is a permission bit, not an access flag. Domain and AP checks happen per access (mmu.ts).

import * as W from "./walk";
import * as H from "./hierarchy";

export let ttbr0: u64 = 0;
export let prrr: u32 = 0;
export let nmrr: u32 = 0;

/** TEX remap of index n (spec §3.4): memory type, allocation hint and shareability. */
export function texRemap(n: u32, s: u32): u32 {
  const tr = (prrr >> (2 * n)) & 3;
  let a: u32;
  let shareable: bool;
  if (tr == 2) {
    const inner = (nmrr >> (2 * n)) & 3; // 00 NC, 01 WBWA, 10 WT, 11 WB no-WA
    a = inner == 0 ? W.MT_NORMAL_NC : inner == 2 ? W.MT_NORMAL_WT : inner == 1 ? W.MT_NORMAL : W.MT_NORMAL | W.ATTR_NOWA;
    shareable = ((prrr >> (s ? 19 : 18)) & 1) != 0; // NS1 / NS0
  } else {
    // 00 strongly-ordered (always shareable), 01 Device (DS1 / DS0), 11 reserved.
    a = W.MT_DEVICE;
    shareable = tr != 1 || ((prrr >> (s ? 17 : 16)) & 1) != 0;
  }
  if (shareable) {
    const nos = (prrr >> (24 + n)) & 1; // 1: inner shareable, 0: outer shareable
    a |= (nos ? <u32>3 : <u32>2) << W.ATTR_SH_SHIFT;
  }
  return a;
}

/** Permission bits from AP[2:0] (AFE = 0, spec mmu-cache §3.3): 001 PL1 RW / PL0 none, 010 PL1
 *  RW / PL0 RO, 011 RW / RW, 101 RO / none, 110 and 111 RO / RO. */
function apAttr(apx: u32, ap: u32): u32 {
  if (ap == 0) return W.ATTR_NOACCESS; // 000 no access, 100 reserved
  let a: u32 = 0;
  if (apx) a |= W.ATTR_RO; // 101, 110, 111 read-only
  if (ap >= 2) a |= W.ATTR_USER;
  if (ap == 2 && !apx) a |= W.ATTR_USER_RO;
  return a;
}

export function walkV7(va64: u64): u64 {
  const va = va64 & 0xFFFFFFFF;
  const l1 = W.read32((ttbr0 & 0xFFFFC000) | ((va >> 20) << 2));
  if (H.busError) return W.fault(W.FAULT_EXTERNAL, 1, va);
  const t = l1 & 3;
  if (t == 2) {
    let pa: u64;
    let domain: u32;
    let size: u32;
    if (l1 & (1 << 18)) {
      // Supersection: PA[31:24] = d[31:24], PA[35:32] = d[23:20], PA[39:36] = d[8:5]; domain 0.
      pa = <u64>(l1 & 0xFF000000) | (<u64>((l1 >> 20) & 0xF) << 32) | (<u64>((l1 >> 5) & 0xF) << 36) | (va & 0xFFFFFF);
      domain = 0;
      size = 24;
    } else {
      pa = <u64>(l1 & 0xFFF00000) | (va & 0xFFFFF);
      domain = (l1 >> 5) & 0xF;
      size = 20;
    }
    const n = (((l1 >> 12) & 1) << 2) | (((l1 >> 3) & 1) << 1) | ((l1 >> 2) & 1);
    let a = texRemap(n, (l1 >> 16) & 1) | apAttr((l1 >> 15) & 1, (l1 >> 10) & 3) | (domain << W.ATTR_DOMAIN_SHIFT);
    if (l1 & (1 << 4)) a |= W.ATTR_XN;
    if (l1 & (1 << 17)) a |= W.ATTR_NG;
    W.leaf(a, 1, size, n, <u64>l1);
    return pa;
  }
  if (t != 1) return W.fault(W.FAULT_TRANSLATION, 1, va); // 00 fault; 11 PXN section needs LPAE
  const domain = (l1 >> 5) & 0xF;
  const l2 = W.read32(<u64>(l1 & 0xFFFFFC00) | (((va >> 12) & 0xFF) << 2));
  if (H.busError) return W.fault(W.FAULT_EXTERNAL, 2, va);
  const t2 = l2 & 3;
  if (t2 == 0) return W.fault(W.FAULT_TRANSLATION, 2, va);
  let pa: u64;
  let tex0: u32;
  let xn: bool;
  let size: u32;
  if (t2 == 1) {
    pa = <u64>(l2 & 0xFFFF0000) | (va & 0xFFFF);
    tex0 = (l2 >> 12) & 1;
    xn = (l2 & (1 << 15)) != 0;
    size = 16;
  } else {
    pa = <u64>(l2 & 0xFFFFF000) | (va & 0xFFF);
    tex0 = (l2 >> 6) & 1;
    xn = (l2 & 1) != 0;
    size = 12;
  }
  const n = (tex0 << 2) | (((l2 >> 3) & 1) << 1) | ((l2 >> 2) & 1);
  let a = texRemap(n, (l2 >> 10) & 1) | apAttr((l2 >> 9) & 1, (l2 >> 4) & 3) | (domain << W.ATTR_DOMAIN_SHIFT);
  if (xn) a |= W.ATTR_XN;
  if (l2 & (1 << 11)) a |= W.ATTR_NG;
  W.leaf(a, 2, size, n, <u64>l2);
  return pa;
}
