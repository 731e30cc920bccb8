/* console.c — the PV console (xen/include/public/io/console.h): a ring page
 * shared with the console daemon in dom0 (xenconsoled), found through
 * start_info (PV) or an HVM param (PVH), and an event channel to tell it
 * that there is output. The domain's own HYPERVISOR_console_io is no
 * alternative: release builds of Xen refuse it to guests.
 *  - console_put: the byte transport, which never waits. The kernel's console
 *    driver (targets/xen/console.ts) is built on it and decides what to do
 *    when the ring is full.
 *  - console_write: the machine layer's own writer, which waits for room
 *    (polled, like the qemu target's serial port): boot messages before the
 *    kernel runs and crash reports, when the kernel may be what broke. */
#include "machine.h"

/* When dom0 reads nothing for this long, it is taken to be gone: output is
 * dropped rather than hanging the guest, until the ring has room again. A
 * busy host can hold dom0 off for seconds, and losing text is worse than
 * waiting, so the bound is generous. */
#define STALL_NS 10000000000ull
#define POLL_NS 1000000ull              /* recheck the ring every 1 ms meanwhile */
#define EARLY_WAIT_YIELDS 100000        /* before the clocks run: count yields instead */

static bool stalled;

static volatile struct xencons_interface *ring;
static uint32_t port;

void console_init(void) {
  struct xen_ring r = console_ring();
  ring = r.page;
  port = r.port;
}

static uint32_t ring_space(void) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST); /* see the daemon's latest out_cons */
  return (uint32_t)sizeof ring->out - (ring->out_prod - ring->out_cons);
}

uint32_t console_put(const char *s, uint32_t n) {
  if (!ring) return n; /* no console: nothing can ever be written */
  uint32_t space = ring_space(), prod = ring->out_prod, i = 0;
  for (; i < space && i < n; i++) ring->out[(prod + i) % sizeof ring->out] = s[i];
  if (i == 0) return 0;
  __atomic_thread_fence(__ATOMIC_RELEASE); /* the bytes before the index */
  ring->out_prod = prod + i;
  evtchn_notify(port);
  return i;
}

/* Let dom0 read for a moment; sets stalled once it has read nothing since
 * *give_up (0: start counting now) or, before the clocks run, for
 * EARLY_WAIT_YIELDS yields. */
static void wait_for_daemon(uint64_t *give_up, int *yields) {
  evtchn_notify(port);
  if (!shared_info) { /* early boot: no clock yet */
    if (++*yields > EARLY_WAIT_YIELDS) stalled = true;
    sched_op(SCHEDOP_yield, NULL);
    return;
  }
  uint64_t now = monotonic_ns();
  if (*give_up == 0) *give_up = now + STALL_NS;
  if (now >= *give_up) {
    stalled = true;
    return;
  }
  evtchn_clear(port); /* a notification from here on ends the poll early */
  wait_for_event(port, now + POLL_NS);
}

void console_write(const char *s, size_t n) {
  uint64_t give_up = 0;
  int yields = 0;
  while (ring && n > 0) {
    uint32_t put = console_put(s, n < 0xffffffffu ? (uint32_t)n : 0xffffffffu);
    s += put;
    n -= put;
    if (put > 0) {
      stalled = false;
      give_up = 0;
    } else if (stalled) {
      return;
    } else {
      wait_for_daemon(&give_up, &yields);
    }
  }
}

/* Before the domain shuts down: the daemon may be gone soon after. */
void console_flush(void) {
  uint64_t give_up = 0;
  int yields = 0;
  while (ring && !stalled && ring_space() < sizeof ring->out) wait_for_daemon(&give_up, &yields);
}
