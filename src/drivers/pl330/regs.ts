// DMA-330 register offsets and fields as the Linux driver names them (drivers/dma/pl330.c).

export const DS = 0x0;
export const DPC = 0x4;
export const INTEN = 0x20;
export const ES = 0x24; // INT_EVENT_RIS
export const INTSTATUS = 0x28;
export const INTCLR = 0x2c;
export const FSM = 0x30;
export const FSC = 0x34;
export const FTM = 0x38;
export const FTC = (n: number) => 0x40 + n * 4;
export const CS = (n: number) => 0x100 + n * 8;
export const CPC = (n: number) => 0x104 + n * 8;
export const SA = (n: number) => 0x400 + n * 0x20;
export const DA = (n: number) => 0x404 + n * 0x20;
export const CC = (n: number) => 0x408 + n * 0x20;
export const LC0 = (n: number) => 0x40c + n * 0x20;
export const LC1 = (n: number) => 0x410 + n * 0x20;
export const DBGSTATUS = 0xd00;
export const DBGCMD = 0xd04;
export const DBGINST0 = 0xd08;
export const DBGINST1 = 0xd0c;
export const CR0 = 0xe00;
export const CR1 = 0xe04;
export const CR2 = 0xe08;
export const CR3 = 0xe0c;
export const CR4 = 0xe10;
export const CRD = 0xe14;
export const PERIPH_ID = 0xfe0;
export const PCELL_ID = 0xff0;

export const DBG_BUSY = 1 << 0;

// Thread states (CS[3:0] / DS[3:0]).
export const PL330_STATE_STOPPED = 0;
export const PL330_STATE_EXECUTING = 1;
export const PL330_STATE_CACHEMISS = 2;
export const PL330_STATE_UPDTPC = 3;
export const PL330_STATE_WFE = 4;
export const PL330_STATE_ATBARRIER = 5;
export const PL330_STATE_QUEUEBUSY = 6;
export const PL330_STATE_WFP = 7;
export const PL330_STATE_KILLING = 8;
export const PL330_STATE_COMPLETING = 9;
export const PL330_STATE_FAULT_COMPLETING = 14;
export const PL330_STATE_FAULTING = 15;

// CR0 fields
export const CR0_PERIPH_REQ_SET = 1 << 0;
export const CR0_BOOT_MAN_NS = 1 << 2;
export const CR0_NUM_CHANS_SHIFT = 4;
export const CR0_NUM_PERIPH_SHIFT = 12;
export const CR0_NUM_EVENTS_SHIFT = 17;

// The AMBA id the driver binds to (amba_id table: 0x00041330, mask 0x000fffff).
export const PL330_AMBA_ID = 0x00041330;
export const PL330_AMBA_MASK = 0x000fffff;
