// Where the DMA layer's simulated time goes: cache maintenance (proportional to the range
// maintained) and swiotlb bounce copies (proportional to the bytes copied). The arch cache code
// and swiotlb measure the simulated time around each operation; reports and the demo read it.

export class DmaTime {
  /** Simulated picoseconds spent in DMA cache maintenance (by VA, and outer cache by PA). */
  maintenancePs = 0;
  /** Bytes covered by those maintenance ranges. */
  maintainedBytes = 0;
  /** Simulated picoseconds spent copying to and from swiotlb bounce slots. */
  bouncePs = 0;
  /** Bytes bounced. */
  bouncedBytes = 0;

  snapshot(): DmaTimeSnapshot {
    return {
      maintenancePs: this.maintenancePs,
      maintainedBytes: this.maintainedBytes,
      bouncePs: this.bouncePs,
      bouncedBytes: this.bouncedBytes,
    };
  }

  /** The difference between now and an earlier snapshot. */
  since(s: DmaTimeSnapshot): DmaTimeSnapshot {
    return {
      maintenancePs: this.maintenancePs - s.maintenancePs,
      maintainedBytes: this.maintainedBytes - s.maintainedBytes,
      bouncePs: this.bouncePs - s.bouncePs,
      bouncedBytes: this.bouncedBytes - s.bouncedBytes,
    };
  }
}

export interface DmaTimeSnapshot {
  maintenancePs: number;
  maintainedBytes: number;
  bouncePs: number;
  bouncedBytes: number;
}
