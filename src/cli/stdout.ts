// Writing command output to stdout so that all of it has left before the command returns:
// the CLI ends with process.exit, which would cut off output still queued for a pipe.

export function writeStdout(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(data, (e) => (e ? reject(e) : resolve())));
}

/** The status a shell shows for a process that SIGPIPE ended (128 + 13). */
export const BROKEN_PIPE_STATUS = 141;

/** Whether an error is the reader of stdout having gone (`dmasim dt x.dtb -O dts | head`): not
 *  the command's failure, so it ends as quietly as a C tool would, SIGPIPE ending it. */
export function isBrokenPipe(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === "EPIPE";
}
