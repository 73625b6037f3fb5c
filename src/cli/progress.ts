// A progress bar on stderr. When stderr is not a terminal (a log file, CI), a bar would be noise:
// a line every 30 s tells how far a long run has come, and the caller prints a summary line.

const LOG_EVERY_MS = 30_000;

export class ProgressBar {
  private readonly tty: boolean;
  private readonly started = performance.now();
  private lastLine = performance.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = !!stream.isTTY;
  }

  update(done: number, note = ""): void {
    if (!this.tty) {
      const now = performance.now();
      if (now - this.lastLine < LOG_EVERY_MS) return;
      this.lastLine = now;
      const secs = ((now - this.started) / 1000).toFixed(0);
      this.stream.write(`${this.label}: ${done}/${this.total} (${((100 * done) / this.total).toFixed(1)} %) after ${secs}s ${note}`.trimEnd() + "\n");
      return;
    }
    const width = 30;
    const filled = Math.round((width * done) / this.total);
    const secs = ((performance.now() - this.started) / 1000).toFixed(1);
    this.stream.write(`\r${this.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${this.total} ${secs}s ${note}`.padEnd(100));
  }

  finish(): void {
    this.end(`${this.total}/${this.total} done`);
  }

  /** Ends the bar's line with how the run ended (`3/4 done, 1 failed`), so that what is written
   *  next starts on a line of its own. */
  end(how: string): void {
    const secs = ((performance.now() - this.started) / 1000).toFixed(1);
    this.stream.write(`${this.tty ? "\r" : ""}${this.label}: ${how} in ${secs}s`.padEnd(this.tty ? 100 : 0) + "\n");
  }
}
