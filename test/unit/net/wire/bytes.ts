// ByteView: big-endian accessors that never read outside their window.
import "crust";
import { ByteView } from "crust/net/wire/bytes";
import { at, hex } from "./captures";

export function main(args: string[]): void {
  const bytes = hex("0102 0304 0506 0708");
  const view = new ByteView(at(bytes), bytes.length);
  assert(view.getU8(0) == 0x01 && view.getU16(1) == 0x0203 && view.getU32(4) == 0x05060708, "big-endian reads");
  assert(view.getU48(2) == 0x030405060708, "a 48-bit read");

  // Reads that do not fit the window read 0, however far out they are.
  assert(view.getU8(8) == 0 && view.getU16(7) == 0 && view.getU32(5) == 0 && view.getU48(3) == 0, "reads past the end");
  assert(view.getU8(-1) == 0 && view.getU32(i32.MIN_VALUE) == 0 && view.getU16(i32.MAX_VALUE) == 0, "reads at wild offsets");
  assert(view.has(0, 8) && !view.has(0, 9) && view.has(8, 0) && !view.has(9, 0) && !view.has(-1, 1) && !view.has(1, -1), "has");

  // A view never gets a negative length.
  const empty = new ByteView(at(bytes), -5);
  assert(empty.len == 0 && empty.getU8(0) == 0 && empty.lenFrom(0) == 0, "negative length is empty");

  // Payload helpers clamp to the window.
  assert(view.ptrAt(3) == at(bytes) + 3 && view.ptrAt(100) == at(bytes) + 8 && view.ptrAt(-4) == at(bytes), "ptrAt clamps");
  assert(view.lenFrom(3) == 5 && view.lenFrom(100) == 0 && view.lenFrom(-4) == 8, "lenFrom clamps");

  // Writes are big-endian and stay where they are put.
  const out = new StaticArray<u8>(10);
  const w = new ByteView(at(out), 8); // the last two bytes are outside the view
  w.setU16(0, 0xa1b2);
  w.setU32(2, 0xc3d4e5f6);
  w.setU8(6, 0x07);
  w.setU8(7, 0x08);
  assert(out[0] == 0xa1 && out[1] == 0xb2 && out[2] == 0xc3 && out[5] == 0xf6 && out[6] == 0x07 && out[7] == 0x08, "big-endian writes");
  w.setU48(0, 0x112233445566);
  assert(w.getU48(0) == 0x112233445566 && out[6] == 0x07, "a 48-bit write");
  w.copyIn(6, at(bytes), 2);
  assert(out[6] == 0x01 && out[7] == 0x02 && out[8] == 0 && out[9] == 0, "copyIn");
  w.fill(0, 8, 0xee);
  assert(out[0] == 0xee && out[7] == 0xee && out[8] == 0, "fill stays inside the view");

  // Re-pointing a view.
  w.wrap(at(bytes) + 4, 4);
  assert(w.getU32(0) == 0x05060708 && w.getU8(4) == 0, "wrap");
}
