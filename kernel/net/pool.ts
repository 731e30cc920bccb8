// Frame buffers for the transmit path: a bounded pool of reusable buffers, each
// large enough for one Ethernet frame at the device's MTU. A packet is built in
// place (Ethernet header, IP header, transport segment) and either sent at once
// or held while ARP resolves its next hop; then the buffer returns to the pool.
// Buffers are allocated on first use, up to the bound, and never freed, so a
// busy stack makes no garbage per packet and an idle one holds few buffers.
// Running out is not an error: the caller counts a drop (TxPoolEmpty).

export class FrameBuffer {
  readonly data: StaticArray<u8>;
  /** Bytes of the frame in use. */
  len: i32 = 0;
  /** Checksum offload request for NetDevice.transmit (-1: none). */
  csumStart: i32 = -1;
  csumOffset: i32 = 0;
  /** Link in a queue (ARP's packets waiting for resolution). */
  next: FrameBuffer | null = null;

  constructor(capacity: i32) { this.data = new StaticArray<u8>(capacity); }

  @inline get ptr(): usize { return changetype<usize>(this.data); }
  @inline get capacity(): i32 { return this.data.length; }
}

export class FramePool {
  private free: FrameBuffer | null = null;
  private allocated: i32 = 0;
  private inUse: i32 = 0;

  constructor(readonly limit: i32, readonly frameSize: i32) {}

  /** A buffer with len 0 and no offload request, or null when all `limit`
   *  buffers are in use. */
  acquire(): FrameBuffer | null {
    let b = this.free;
    if (b !== null) {
      this.free = b.next;
    } else {
      if (this.allocated >= this.limit) return null;
      b = new FrameBuffer(this.frameSize);
      this.allocated++;
    }
    b.next = null;
    b.len = 0;
    b.csumStart = -1;
    b.csumOffset = 0;
    this.inUse++;
    return b;
  }

  release(b: FrameBuffer): void {
    b.next = this.free;
    this.free = b;
    this.inUse--;
  }

  /** Buffers handed out and not yet released. */
  get used(): i32 { return this.inUse; }
}
