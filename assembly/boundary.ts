// Addresses cross the wasm boundary as f64: physical addresses are exact below 2^53, and 64-bit
// kernel virtual addresses travel as their signed value (0xffffffc000000000 is -2^38), which is
// exact too. Inside, both become u64 by reinterpretation.

@inline export function addr(x: f64): u64 {
  return <u64>(<i64>x);
}

/** Whether an address argument converts exactly: NaN, a fraction, ±Infinity and numbers outside
 *  [-2^63, 2^63) do not (addr() would make them 0, truncate or saturate them). The hot 64-bit
 *  accesses check here, where the value is already converted, and say so as a fault; the port
 *  then names the bad value (src/hw/address.ts, checkVirtArg). */
@inline export function exactAddr(x: f64): bool {
  return <f64>(<i64>x) == x && x < 9223372036854775808.0;
}
