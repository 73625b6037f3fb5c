// A cache line's bytes, copied, zeroed or tested whole. Lines are 16..128 bytes and 8-aligned;
// loops of 64-bit moves beat memory.copy and memory.fill, which V8 runs as calls out of the
// compiled code.

@inline export function copyLine(dst: usize, src: usize, bytes: u32): void {
  for (let i: usize = 0; i < <usize>bytes; i += 16) {
    store<u64>(dst + i, load<u64>(src + i));
    store<u64>(dst + i, load<u64>(src + i, 8), 8);
  }
}

@inline export function isZeroLine(src: usize, bytes: u32): bool {
  let any: u64 = 0;
  for (let i: usize = 0; i < <usize>bytes; i += 16) any |= load<u64>(src + i) | load<u64>(src + i, 8);
  return any == 0;
}

@inline export function zeroLine(dst: usize, bytes: u32): void {
  for (let i: usize = 0; i < <usize>bytes; i += 16) {
    store<u64>(dst + i, 0);
    store<u64>(dst + i, 0, 8);
  }
}
