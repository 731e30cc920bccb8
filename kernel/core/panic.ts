// Panic: the end of the guest when a kernel invariant is broken. Bad input is
// never a reason to panic (it is counted and dropped); a bug is.
import { panic as platformPanic } from "../boundary";
import { flushConsole } from "./console";

/** Stop the guest with a reason and a backtrace (exit code 100). */
export function panic(reason: string): void {
  const bytes = String.UTF8.encode(reason + "\n");
  flushConsole(); // what the app printed comes before the report
  platformPanic(changetype<usize>(bytes), bytes.byteLength);
  unreachable();
}

/** AssemblyScript's abort (failed assert, throw, out of memory), wired in by
 *  the build with `--use abort=...`: a panic that says where it happened. */
export function abort(message: string | null, file: string | null, line: u32, column: u32): void {
  const what = message !== null ? message : "abort";
  const where = file !== null ? file + ":" + line.toString() + ":" + column.toString() : "?";
  panic(what + " at " + where);
}
