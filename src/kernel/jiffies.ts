// include/linux/jiffies.h: the tick count. dmasim's ticks fall every 1/HZ of simulated time
// from power-on, where jiffies is INITIAL_JIFFIES; what reads jiffies (the timer wheel of
// msleep, might_sleep's rate limit) reads this clock.

import type { Kernel } from "./kernel.js";

/** CONFIG_HZ of the defconfigs: arm64's default HZ_250, arm's default HZ_100
 *  (arch/arm/Kconfig's "Timer frequency" choice). */
export function HZ(k: Kernel): number {
  return k.machine.profile.arch === "arm64" ? 250 : 100;
}

/** INITIAL_JIFFIES: jiffies at boot, 5 minutes before the 32-bit wrap. */
export function INITIAL_JIFFIES(k: Kernel): number {
  return 2 ** 32 - 300 * HZ(k);
}

/** Simulated picoseconds between two ticks. */
export function tickPs(k: Kernel): number {
  return 1e12 / HZ(k);
}

/** jiffies now: INITIAL_JIFFIES plus the ticks since power-on. */
export function jiffies(k: Kernel): number {
  return INITIAL_JIFFIES(k) + Math.floor(k.machine.now() / tickPs(k));
}

/** The simulated time of the tick at which jiffies becomes `j`. */
export function jiffyTime(k: Kernel, j: number): number {
  return (j - INITIAL_JIFFIES(k)) * tickPs(k);
}
