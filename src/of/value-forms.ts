// How to spell a property value in text: as its .dts source spelled it when the tree came from
// source, otherwise dtc's guess (treesource.c guess_value_type): a string list when every byte
// is printable or NUL, it ends with NUL and NULs are not the majority; 32-bit cells when the
// length is a multiple of 4; bytes otherwise.

import type { DeviceNode, ValueForm } from "./node.js";

const isStringByte = (c: number) => (c >= 0x20 && c < 0x7f) || c === 0 || (c >= 7 && c <= 13);

export function guessForm(value: Uint8Array): ValueForm {
  const length = value.length;
  let nul = 0;
  let other = 0;
  for (const c of value) {
    if (c === 0) nul++;
    if (!isStringByte(c)) other++;
  }
  if (length && value[length - 1] === 0 && other === 0 && nul <= length - nul) return { kind: "string", length };
  if (length % 4 === 0) return { kind: "cells", bits: 32, length };
  return { kind: "bytes", length };
}

/** The pieces to write a property as: the source's, when they still describe its bytes. */
export function propertyForms(node: DeviceNode, name: string): ValueForm[] {
  const value = node.prop(name)!;
  if (value.length === 0) return [];
  const forms = node.propertyForms.get(name);
  if (forms && forms.reduce((n, f) => n + f.length, 0) === value.length && fits(forms, value)) {
    return forms.filter((f) => f.length > 0);
  }
  return [guessForm(value)];
}

/** Whether source forms still describe the bytes (code may have changed the value since). */
function fits(forms: ValueForm[], value: Uint8Array): boolean {
  let at = 0;
  for (const f of forms) {
    if (f.kind === "cells" && f.length % ((f.bits ?? 32) / 8) !== 0) return false;
    if (f.kind === "string" && f.length && value[at + f.length - 1] !== 0) return false;
    at += f.length;
  }
  return true;
}

/** The NUL-terminated strings of a string piece (a piece not ending in NUL keeps its tail). */
export function splitStrings(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      out.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}
