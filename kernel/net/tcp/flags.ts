// TCP control bits (RFC 9293 §3.1).
export const SEG_FIN: u8 = 0x01;
export const SEG_SYN: u8 = 0x02;
export const SEG_RST: u8 = 0x04;
export const SEG_PSH: u8 = 0x08;
export const SEG_ACK: u8 = 0x10;
export const SEG_URG: u8 = 0x20;
