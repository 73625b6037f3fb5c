// The kernel log: a bounded ring of timestamped lines, as `dmesg` shows them.

export const KERN_EMERG = 0;
export const KERN_ERR = 3;
export const KERN_WARNING = 4;
export const KERN_NOTICE = 5;
export const KERN_INFO = 6;
export const KERN_DEBUG = 7;

/** console_loglevel as boards boot: CONSOLE_LOGLEVEL_DEFAULT, 7 (hard-coded in 4.9, the Kconfig
 *  default since 4.16). A console prints a line only when its level is below it, so KERN_DEBUG
 *  lines stay in dmesg unless the kernel is booted with loglevel=8 or ignore_loglevel (dmasim
 *  passes neither). */
export const CONSOLE_LOGLEVEL_DEFAULT = 7;

/** suppress_message_printing's test, inverted: whether a console at `consoleLoglevel` prints a
 *  line of `level`. */
export function consolePrints(level: number, consoleLoglevel = CONSOLE_LOGLEVEL_DEFAULT): boolean {
  return level < consoleLoglevel;
}

/** What `dmesg` shows: `raw` leads each line with its level, as `dmesg -r` does. */
export interface DmesgOptions {
  raw?: boolean;
}

export interface LogLine {
  timePs: number;
  level: number;
  text: string;
}

export class Printk {
  private readonly lines: LogLine[] = [];

  constructor(
    private readonly clock: () => number,
    /** Print lines at or below this level to the host console as they are logged (-1: never). */
    public echoLevel = -1,
    private readonly capacity = 4096,
  ) {}

  log(level: number, text: string): void {
    const line = { timePs: this.clock(), level, text };
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
    if (level <= this.echoLevel) console.error(formatLine(line));
  }

  err(text: string): void {
    this.log(KERN_ERR, text);
  }
  warn(text: string): void {
    this.log(KERN_WARNING, text);
  }
  info(text: string): void {
    this.log(KERN_INFO, text);
  }
  debug(text: string): void {
    this.log(KERN_DEBUG, text);
  }

  dmesg(): LogLine[] {
    return [...this.lines];
  }

  /** The log as `dmesg` shows it; `raw`: as `dmesg -r` does, each line led by its level
   *  ("<6>"; kernel messages have facility 0). */
  text(raw = false): string {
    return this.lines.map(raw ? formatRawLine : formatLine).join("\n");
  }

  /** Lines logged so far that contain `needle`. */
  grep(needle: string): string[] {
    return this.lines.filter((l) => l.text.includes(needle)).map((l) => l.text);
  }
}

export function formatLine(l: LogLine): string {
  const us = Math.floor(l.timePs / 1e6);
  const s = Math.floor(us / 1e6);
  return `[${String(s).padStart(5)}.${String(us % 1e6).padStart(6, "0")}] ${l.text}`;
}

/** A line as `dmesg -r` shows it: "<level>" before the timestamp. */
export function formatRawLine(l: LogLine): string {
  return `<${l.level}>${formatLine(l)}`;
}
