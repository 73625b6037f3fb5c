// A progress bar on stderr (only when stderr is a terminal; otherwise one line per step is
// noise, so a single summary line is printed at the end by the caller).

export class ProgressBar {
  private readonly tty: boolean;
  private readonly started = performance.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = !!stream.isTTY;
  }

  update(done: number, note = ""): void {
    if (!this.tty) return;
    const width = 30;
    const filled = Math.round((width * done) / this.total);
    const secs = ((performance.now() - this.started) / 1000).toFixed(1);
    this.stream.write(`\r${this.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${this.total} ${secs}s ${note}`.padEnd(100));
  }

  finish(): void {
    const secs = ((performance.now() - this.started) / 1000).toFixed(1);
    this.stream.write(`${this.tty ? "\r" : ""}${this.label}: ${this.total}/${this.total} done in ${secs}s`.padEnd(this.tty ? 100 : 0) + "\n");
  }
}
