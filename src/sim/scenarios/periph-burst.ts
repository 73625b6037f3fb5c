// A board whose PL330 carries `arm,pl330-periph-burst` says its peripherals raise burst
// requests only: the driver then waits with DMAWFPB (spec pl330 §12.2), which a peripheral
// raising single requests never satisfies. The streaming scenarios check for that pairing
// first and say so, rather than wait out their timeouts.

import type { System } from "../../system.js";

export function refuseSingleRequestsOnBurstOnlyDmac(s: System, node: string, dmacIndex: number, raisesBursts: boolean): void {
  const dmac = s.board.dmacs.find((d) => d.index === dmacIndex);
  if (!dmac || raisesBursts || !dmac.node.has("arm,pl330-periph-burst")) return;
  throw new Error(
    `${dmac.node.path} has arm,pl330-periph-burst (its peripherals raise burst requests only), but the ` +
      `peripheral model of ${node} raises single requests: the transfer would never start; ` +
      `give the model a burst size (SystemOptions.dmaPeripherals, burstBytes)`,
  );
}
