// How a write(2) reaches a sysfs attribute's store (fs/kernfs/file.c kernfs_fop_write_iter,
// 4.9's kernfs_fop_write; fs/sysfs/file.c sysfs_kf_write): kernfs copies at most PAGE_SIZE
// bytes of it into a buffer for each call (sysfs sets no atomic_write_len), so a longer text
// reaches the store as several writes, as `echo` (stdio, which writes again after a short
// write) sends the rest; a write of no bytes never calls the store. Each store returns the
// count it took or an error, which ends the write.

import { PAGE_SIZE } from "../mm/gfp.js";

/** One call of a store: the bytes of this piece as text, and their count. */
export type Store = (text: string, count: number) => void;

/** The text's UTF-8 bytes split into pieces of at most PAGE_SIZE, each given to `store` in
 *  order; the bytes written, as write(2) returns them. An error from a store is thrown, as the
 *  write fails there. */
export function kernfs_write(text: string, store: Store): number {
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  for (let at = 0; at < bytes.length; at += PAGE_SIZE) {
    const piece = bytes.subarray(at, Math.min(at + PAGE_SIZE, bytes.length));
    store(decoder.decode(piece), piece.length);
  }
  return bytes.length;
}
