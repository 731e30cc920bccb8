// Sequence-number arithmetic across the 2^32 wrap.
import "crust"; // the kernel API (and its abort handler)
import { seqLt, seqLe, seqGt, seqGe, seqDiff, seqMax, seqMin, seqInRange } from "crust/net/tcp/seq";

export function main(args: string[]): void {
  assert(seqLt(1, 2), "1 < 2");
  assert(seqLt(0xffffff00, 0x10), "wrap: 0xffffff00 < 0x10");
  assert(!seqLt(0x10, 0xffffff00), "wrap: 0x10 !< 0xffffff00");
  assert(seqLe(5, 5) && seqGe(5, 5) && !seqLt(5, 5) && !seqGt(5, 5), "equality");
  assert(seqGt(0x80000000 - 1, 0), "just under half the space is after");
  assert(seqDiff(0x10, 0xfffffff0) == 0x20, "diff across wrap");
  assert(seqMax(0xfffffff0, 3) == 3 && seqMin(0xfffffff0, 3) == 0xfffffff0, "max/min across wrap");
  assert(seqInRange(0, 0xfffffff0, 0x10), "0 in [0xfffffff0, 0x10)");
  assert(!seqInRange(0x10, 0xfffffff0, 0x10), "end excluded");
  assert(!seqInRange(5, 5, 5), "empty range");
}
