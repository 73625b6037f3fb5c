// A DMA peripheral as a result's sentence names it: by what its device-tree node says it is.
// The TX FIFO and RX stream models stand behind any node whose `dmas` names a PL330 request
// (board-peripherals.ts): a UART on the built-in boards, an SPI controller on RK3399's
// /spi@ff1d0000. A symptom that says "the UART sent 256 bytes" of an SPI controller sends its
// reader to the wrong device, and so does "the converter produced 128 samples" of it, or of the
// UART whose receive side adc-rx shapes on the default board.

import type { DeviceNode } from "../of/node.js";
import type { PeripheralInstance } from "./board-peripherals.js";

/** Devicetree Specification 0.4, 2.2.2 "Generic Names Recommendation": the node names of the
 *  device classes a DMA request serves, with what a sentence calls each. */
const GENERIC_NAMES: Record<string, string> = {
  serial: "UART",
  uart: "UART",
  spi: "SPI controller",
  i2c: "I2C controller",
  i2s: "I2S controller",
  adc: "ADC",
  dac: "DAC",
  mmc: "MMC controller",
  ethernet: "Ethernet controller",
  "sound-dai": "audio interface",
  "audio-controller": "audio controller",
  crypto: "crypto engine",
};

/** "the UART" for a serial node (the built-in boards' only kind, named as their results always
 *  have); any other by its class and node name ("the SPI controller spi@ff1d0000"), or, for a
 *  name the spec does not list, by its node name and first compatible. */
export function peripheralText(node: DeviceNode): string {
  const kind = GENERIC_NAMES[node.baseName];
  if (kind === "UART") return "the UART";
  if (kind !== undefined) return `the ${kind} ${node.name}`;
  const compatible = node.compatible[0];
  return compatible === undefined ? `the device ${node.name}` : `the device ${node.name} (${compatible})`;
}

/** What produced an RX stream model's samples, as a sentence names it: "the converter" where
 *  the node is an ADC; any other node as peripheralText names a sender — "the UART" for the
 *  default board's serial@e0001000, whose receive side adc-rx and its bug kind shape with their
 *  sample rate and width (it is still a UART's stream), "the SPI controller spi@ff1d0000" on
 *  RK3399. */
export function rxProducerText(p: Pick<PeripheralInstance, "node">): string {
  return GENERIC_NAMES[p.node.baseName] === "ADC" ? "the converter" : peripheralText(p.node);
}
