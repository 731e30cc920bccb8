/* power.c — the end of a Xen guest: SCHEDOP_shutdown (sched.h) with reason
 * poweroff for exit code 0 and crash for anything else, so the toolstack's
 * on_poweroff/on_crash actions apply. The exit code itself is written to
 * xenstore first (data/crust-exit-code in the domain's own directory), where
 * the toolstack — and crust run — can read it. */
#include "machine.h"

void power_off(int code) {
  interrupts_off();
  char text[12], *p = text + sizeof text;
  unsigned u = code < 0 ? 0u - (unsigned)code : (unsigned)code;
  *--p = 0;
  do *--p = (char)('0' + u % 10); while (u /= 10);
  if (code < 0) *--p = '-';
  store_write("data/crust-exit-code", p);
  console_flush();
  struct sched_shutdown s = {code == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash};
  for (;;) sched_op(SCHEDOP_shutdown, &s);
}
