// Addresses cross the wasm boundary as f64: physical addresses are exact below 2^53, and 64-bit
// kernel virtual addresses travel as their signed value (0xffffffc000000000 is -2^38), which is
// exact too. Inside, both become u64 by reinterpretation.

@inline export function addr(x: f64): u64 {
  return <u64>(<i64>x);
}
