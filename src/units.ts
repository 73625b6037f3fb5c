// Sizes, times and rates as people write and read them.

/** "512M", "1G", "64K", "0x20000000" or a number of bytes. */
export function parseSize(v: string | number): number {
  if (typeof v === "number") return v;
  const m = /^\s*(0x[0-9a-f]+|\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(v);
  if (!m) throw new RangeError(`not a size: "${v}" (try 64K, 512M, 1G or a byte count)`);
  const n = m[1].toLowerCase().startsWith("0x") ? parseInt(m[1], 16) : Number(m[1]);
  const mult = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as "" | "k" | "m" | "g" | "t"];
  // memparse takes no fractions at all; one that makes whole bytes (1.5M) is clear, one that
  // does not (1.5, 0.3K) would be rounded to a size nobody asked for.
  if (!Number.isInteger(n * mult)) throw new RangeError(`not a whole number of bytes: "${v}" (try 64K, 512M, 1G or a byte count)`);
  return n * mult;
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30 && n % 2 ** 30 === 0) return `${n / 2 ** 30} GiB`;
  if (n >= 2 ** 20 && n % 2 ** 20 === 0) return `${n / 2 ** 20} MiB`;
  if (n >= 2 ** 10 && n % 2 ** 10 === 0) return `${n / 2 ** 10} KiB`;
  return `${n} B`;
}

/** Picoseconds as µs/ms/s with three significant decimals. */
export function formatTime(ps: number): string {
  if (ps >= 1e12) return `${(ps / 1e12).toFixed(3)} s`;
  if (ps >= 1e9) return `${(ps / 1e9).toFixed(3)} ms`;
  if (ps >= 1e6) return `${(ps / 1e6).toFixed(3)} µs`;
  return `${(ps / 1e3).toFixed(1)} ns`;
}

/** Bytes moved in `ps` picoseconds, in MB/s (10^6 bytes per second). */
export function mbPerSec(bytes: number, ps: number): number {
  return ps > 0 ? bytes / (ps / 1e12) / 1e6 : 0;
}
