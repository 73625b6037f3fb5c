// Conformance cases where dmasim deliberately follows the DMA-330 TRM instead of the recorded
// reference model (QEMU 7.2), with the reason. docs/pl330-divergences.md explains each class.

export const DIVERGENCES: Record<string, string> = {};
