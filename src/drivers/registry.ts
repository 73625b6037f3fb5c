// The platform drivers the kernel knows, matched by compatible string at boot.

import type { PlatformDevice } from "../kernel/device.js";
import { pl330Driver } from "./pl330/driver.js";

export interface PlatformDriver {
  name: string;
  bus?: "platform" | "amba";
  compatible: string[];
  probe(pdev: PlatformDevice): number;
  remove?(pdev: PlatformDevice): void;
}

export const platformDrivers: PlatformDriver[] = [pl330Driver];
