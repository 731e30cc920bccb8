/* console.c — the PV console (xen/include/public/io/console.h): a ring page
 * shared with the console daemon in dom0 (xenconsoled), found through
 * start_info (PV) or an HVM param (PVH), and an event channel to tell it
 * that there is output. Polled, like the serial console of the qemu target:
 * it works before anything else and inside the crash path. The domain's own
 * HYPERVISOR_console_io is no alternative: release builds of Xen refuse it
 * to guests. */
#include "machine.h"

#define RING_WAIT_YIELDS 100000 /* when dom0 stops reading, drop output rather than hang */

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

void console_write(const char *s, size_t n) {
  if (!ring) return;
  for (int waited = 0; n > 0;) {
    uint32_t space = ring_space();
    if (space == 0) {
      if (++waited > RING_WAIT_YIELDS) return;
      evtchn_notify(port);
      sched_op(SCHEDOP_yield, NULL);
      continue;
    }
    uint32_t prod = ring->out_prod;
    for (; space > 0 && n > 0; space--, n--) ring->out[prod++ % sizeof ring->out] = *s++;
    __atomic_thread_fence(__ATOMIC_RELEASE); /* the bytes before the index */
    ring->out_prod = prod;
    evtchn_notify(port);
  }
}

/* Before the domain shuts down: the daemon may be gone soon after. */
void console_flush(void) {
  for (int i = 0; ring && i < RING_WAIT_YIELDS && ring_space() < sizeof ring->out; i++)
    sched_op(SCHEDOP_yield, NULL);
}
