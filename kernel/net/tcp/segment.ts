// A TCP segment as the state machine sees it: the wire layer's TcpRepr
// (header fields, negotiated options, where the data is) plus the two things
// the state machine asks of every segment: SEG.LEN, and a reset for reuse.
import { TcpRepr, TCP_SYN, TCP_FIN, TCP_MAX_SACK_BLOCKS } from "../wire/tcp";
export {
  TCP_FIN as SEG_FIN, TCP_SYN as SEG_SYN, TCP_RST as SEG_RST, TCP_PSH as SEG_PSH,
  TCP_ACK as SEG_ACK, TCP_URG as SEG_URG,
} from "../wire/tcp";

export const MAX_SACK_BLOCKS: i32 = TCP_MAX_SACK_BLOCKS;

export class TcpSegment extends TcpRepr {
  /** SEG.LEN: data plus one for SYN and one for FIN (RFC 9293 §3.4). */
  get segLen(): u32 {
    return <u32>this.payloadLen + ((this.flags & TCP_SYN) != 0 ? 1 : 0) + ((this.flags & TCP_FIN) != 0 ? 1 : 0);
  }

  /** Clear everything but the ports, for building a segment. */
  reset(): void {
    this.seq = 0;
    this.ack = 0;
    this.flags = 0;
    this.window = 0;
    this.urgent = 0;
    this.clearOptions();
    this.payload = 0;
    this.payloadLen = 0;
  }
}
