// The error createSystem gives for options it cannot boot (an unknown board, a tree it cannot
// read, a size out of range), told apart from the kernel's own errors by its name.

export class SystemError extends Error {
  override name = "SystemError";
}
