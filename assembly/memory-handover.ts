// What the host needs to hand this instance's memory to the next System once this one is
// disposed (src/hw/wasm.ts): where the heap ends, and which pages of RAM were written.
//
// A fresh memory of a GiB costs a page fault on every page used and a major garbage collection
// per System, most of a small sweep job's time; so a disposed System's memory is zeroed and given
// to the next System of the same thread. Everything outside RAM is small and zeroed whole up to
// the heap's top. RAM is mostly never touched, so only its pages marked here are: every path
// that writes RAM's host bytes marks them, ramPtr / ramWrite (the masters) and ramHostForWrite
// (the caches' write-backs, stores around them, coherent writes). A read marks nothing.

/** One byte per 64 KiB page of the 4 GiB wasm32 address space. */
const written = new StaticArray<u8>(65536);

@inline export function markWritten(host: usize, len: u64): void {
  if (len == 0) return;
  let page = <i32>(host >>> 16);
  const last = <i32>((host + <usize>len - 1) >>> 16);
  while (page <= last) {
    unchecked((written[page] = 1));
    page++;
  }
}

/** Whether nothing has written [host, host+len): a memory starts all zeros (memory-reuse.ts),
 *  so those bytes are 0, and reading them need not touch host pages never touched. */
@inline export function neverWritten(host: usize, len: u32): bool {
  return (unchecked(written[<i32>(host >>> 16)]) | unchecked(written[<i32>((host + len - 1) >>> 16)])) == 0;
}

/** Where the page map is. */
export function writtenPages(): usize {
  return changetype<usize>(written);
}

/** The heap's top: the stub runtime allocates upward and never frees, so a new (empty) block
 *  goes there. Nothing above it has been written. */
export function heapTop(): usize {
  return heap.alloc(0);
}
