// The error a board that cannot be built raises: a device tree or profile the silicon cannot
// be made from, said with the node or setting at fault.

export class BoardError extends Error {
  override name = "BoardError";
}
