// Searching a set's hash bytes (one byte per way, side by side) several at a time: a zero byte
// of hashes ^ broadcast(h) marks a way whose tag may be the one sought (SWAR, "SIMD within a
// register"), so a lookup compares only candidates' tags and a miss is mostly one load.

/** The zero bytes of x (and possibly a 0x01 byte above a zero byte) marked by their top bit. */
@inline export function zeroBytes(x: u64): u64 {
  return (x - 0x0101010101010101) & ~x & 0x8080808080808080;
}

/** Whether one of the four hash bytes at hs (a 4-way set's) is h. */
@inline export function hashIn4(hs: usize, h: u32): bool {
  const x = load<u32>(hs) ^ (h * 0x01010101);
  return ((x - 0x01010101) & ~x & 0x80808080) != 0;
}

/** zeroBytes' marks as 8 bits, byte i → bit i. */
@inline export function compress8(m: u64): u32 {
  return <u32>(((m >> 7) * 0x0102040810204080) >> 56);
}
