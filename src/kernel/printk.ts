// The kernel log: a bounded ring of timestamped lines, as `dmesg` shows them.

export const KERN_EMERG = 0;
export const KERN_ERR = 3;
export const KERN_WARNING = 4;
export const KERN_NOTICE = 5;
export const KERN_INFO = 6;
export const KERN_DEBUG = 7;

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

  text(): string {
    return this.lines.map(formatLine).join("\n");
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
