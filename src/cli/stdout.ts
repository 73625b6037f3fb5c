// Writing command output to stdout so that all of it has left before the command returns:
// the CLI ends with process.exit, which would cut off output still queued for a pipe.

export function writeStdout(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(data, (e) => (e ? reject(e) : resolve())));
}
