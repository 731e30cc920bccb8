// xenstore: the xen target's xenstore client against the real xenstored, in
// the domain's own data/ folder (which a guest may write): transactions that
// commit and that abort, isolation until commit, directory listings.
// Prints "xenstore: ok" and exits 0, or says what failed and exits 1.
import { println, exit } from "crust";
import { xenstore } from "../../targets/xen/xenstore";

const DIR = "data/crust-test";
let failures = 0;

function check(ok: bool, what: string): void {
  if (ok) return;
  failures++;
  println("xenstore: FAIL: " + what);
}

function show(v: string | null): string { return v === null ? "(none)" : "'" + v! + "'"; }

export function main(args: string[]): void {
  // A committed transaction: its write is seen inside it, not outside, until commit.
  const tx = xenstore.transactionStartNow();
  check(tx != 0, "transaction start");
  check(xenstore.writeNow(DIR + "/kept", "1", tx), "write in a transaction");
  const inside = xenstore.readNow(DIR + "/kept", tx);
  check(inside == "1", "read back inside the transaction: " + show(inside));
  const outside = xenstore.readNow(DIR + "/kept");
  check(outside === null, "not visible outside before commit: " + show(outside));
  const end = xenstore.transactionEndNow(tx, true);
  check(end == "OK", "commit: " + end);
  const after = xenstore.readNow(DIR + "/kept");
  check(after == "1", "visible after commit: " + show(after));

  // An aborted transaction leaves nothing.
  const tx2 = xenstore.transactionStartNow();
  check(tx2 != 0 && xenstore.writeNow(DIR + "/dropped", "2", tx2), "second transaction");
  check(xenstore.transactionEndNow(tx2, false) == "OK", "abort");
  const dropped = xenstore.readNow(DIR + "/dropped");
  check(dropped === null, "an aborted write is gone: " + show(dropped));

  // A directory lists the children.
  check(xenstore.writeNow(DIR + "/other", "3"), "plain write");
  const names = xenstore.directoryNow(DIR);
  const listed = names === null ? "(failed)" : names!.sort().join(",");
  println("xenstore: " + DIR + ": " + listed);
  check(listed == "kept,other", "directory lists kept and other");
  const none = xenstore.directoryNow(DIR + "/missing");
  check(none === null, "a missing directory is an error");

  if (failures > 0) { exit(1); return; }
  println("xenstore: ok");
}
