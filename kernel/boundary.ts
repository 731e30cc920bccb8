// The sandbox boundary: every way out of the kernel's wasm module.
//
// This file is the whole ABI between the library OS and a platform, in the
// spirit of Solo5's solo5.h. A platform (machine/x86_64 for the qemu and xen
// targets, tools/src/node/host.ts for the node target) implements these imports of
// module "crust". Pointers are offsets into the kernel's linear memory; the
// platform bounds-checks them, so a bad pointer traps like a bad load.
// Keep this list short: a new device should need at most a new *hardware*
// primitive, never a new driver on the platform side.

// ---- Every platform ---------------------------------------------------------

/** Write UTF-8 bytes to the console. */
@external("crust", "console_write")
export declare function console_write(ptr: usize, len: usize): void;

/** End the guest with an exit code (0..99 belong to the app). Never returns. */
@external("crust", "exit")
export declare function exit(code: i32): void;

/** Report a broken kernel invariant with a backtrace and exit 100. Never returns. */
@external("crust", "panic")
export declare function panic(ptr: usize, len: usize): void;

/** Nanoseconds since the first instruction of boot; never goes backwards. */
@external("crust", "clock_monotonic")
export declare function clock_monotonic(): i64;

/** Nanoseconds since the Unix epoch (UTC), as well as the platform knows it. */
@external("crust", "clock_wall")
export declare function clock_wall(): i64;

/** Sleep until an interrupt arrives or the monotonic clock reaches deadline
 *  (i64.MAX_VALUE: no deadline). The only place the CPU sleeps. */
@external("crust", "wait")
export declare function wait(deadline: i64): void;

/** Copy the boot command line into buf (at most cap bytes); returns its full length. */
@external("crust", "cmdline")
export declare function cmdline(buf: usize, cap: usize): usize;

/** Fill buf with hardware entropy (RDSEED/RDRAND); returns the bytes written, 0 if none. */
@external("crust", "entropy")
export declare function entropy(buf: usize, len: usize): usize;

// ---- Hardware platforms (qemu): primitives that drivers are built from ------

/** x86 port I/O of width 1, 2 or 4 bytes. */
@external("crust", "io_read")
export declare function io_read(port: u32, width: u32): u32;
@external("crust", "io_write")
export declare function io_write(port: u32, width: u32, value: u32): void;

/** Device-register access (width 1, 2, 4, 8), only inside the device hole. */
@external("crust", "mmio_read")
export declare function mmio_read(addr: u64, width: u32): u64;
@external("crust", "mmio_write")
export declare function mmio_write(addr: u64, width: u32, value: u64): void;

/** The physical address a device must use for a linear-memory buffer. */
@external("crust", "dma_address")
export declare function dma_address(ptr: usize): u64;

/** Deliver interrupt line gsi (level-triggered when level != 0). A line that
 *  fires is masked until irq_unmask; irq_take returns and clears the set of
 *  lines that fired (bit n = gsi n). */
@external("crust", "irq_route")
export declare function irq_route(gsi: u32, level: u32): void;
@external("crust", "irq_take")
export declare function irq_take(): u64;
@external("crust", "irq_unmask")
export declare function irq_unmask(gsi: u32): void;

// ---- Xen platforms (xen): the rings shared with dom0 ----------------------

/** Queue a whole xenstore request (header and payload, xs_wire.h) on the
 *  domain's xenstore ring; returns 1, or 0 if the ring has no room for it. */
@external("crust", "xenstore_send")
export declare function xenstore_send(ptr: usize, len: usize): u32;

/** Take up to cap bytes of xenstore replies and watch events; returns how
 *  many (0: none waiting). wait() wakes when more arrive. */
@external("crust", "xenstore_receive")
export declare function xenstore_receive(ptr: usize, cap: usize): u32;

/** Put as much of the bytes as the PV console ring (io/console.h) has room
 *  for, without waiting; returns how many (all of them when the domain has
 *  no console). */
@external("crust", "xencons_put")
export declare function xencons_put(ptr: usize, len: usize): u32;

/** A new event channel port that domain remote_domid (a backend) may bind;
 *  u32.MAX_VALUE if none. wait() wakes when one of these ports fires. */
@external("crust", "evtchn_alloc")
export declare function evtchn_alloc(remote_domid: u32): u32;
/** Signal the peer of a port from evtchn_alloc; returns 0 for any other port. */
@external("crust", "evtchn_notify")
export declare function evtchn_notify(port: u32): u32;
/** Take and clear the set of this kernel's ports that fired (bit n = port n). */
@external("crust", "evtchn_take")
export declare function evtchn_take(): u64;

/** Let domain domid read (readonly != 0) or read and write the page of
 *  linear memory at ptr (page-aligned) through grant reference ref (8 and
 *  up); returns 1, or 0 for a bad ref. grant_end revokes it: 0 while the
 *  peer still uses the page. */
@external("crust", "grant_access")
export declare function grant_access(ref: u32, domid: u32, ptr: usize, readonly: u32): u32;
@external("crust", "grant_end")
export declare function grant_end(ref: u32): u32;

// ---- Host platforms (node): a NIC that the host provides (a TAP device) ----

/** If the host attached a NIC, write its MAC (6 bytes) to mac and return its
 *  MTU; return 0 when there is none. */
@external("crust", "hostnet_info")
export declare function hostnet_info(mac: usize): i32;

/** Send one Ethernet frame; returns 1 if the host took it, 0 if it dropped it. */
@external("crust", "hostnet_send")
export declare function hostnet_send(ptr: usize, len: usize): i32;

/** Take the next received frame into buf; returns its length, 0 when none is
 *  waiting, or -1 if it did not fit in cap bytes (it is dropped). */
@external("crust", "hostnet_receive")
export declare function hostnet_receive(buf: usize, cap: usize): i32;
