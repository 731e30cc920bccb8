/* events.c — the event channels the kernel's drivers own (event_channel.h).
 * The kernel allocates unbound ports for a peer domain (a backend), notifies
 * them, and takes the set that fired; wait() (time.c) polls on them. Upcalls
 * stay masked: a fired port only sets its pending bit in shared info, which
 * evtchn_take() reads and clears. Only ports the kernel allocated may be
 * notified or taken, so it cannot reach the console's or xenstore's. */
#include "machine.h"

#define KERNEL_PORTS 64 /* ports 0..63: evtchn_take() reports them as bits of a u64 */

static uint64_t kernel_ports;
static uint32_t poll_list[KERNEL_PORTS + 1];

void evtchn_clear(uint32_t port) {
  __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

int evtchn_alloc(uint32_t remote_domid) {
  struct evtchn_alloc_unbound op = {.dom = DOMID_SELF, .remote_dom = (uint16_t)remote_domid};
  if (hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, (uint64_t)&op, 0, 0)) return -1;
  if (op.port >= KERNEL_PORTS) return -1; /* leaked: the kernel cannot name it */
  kernel_ports |= 1ull << op.port;
  return (int)op.port;
}

bool evtchn_send_kernel(uint32_t port) {
  if (port >= KERNEL_PORTS || !(kernel_ports & (1ull << port))) return false;
  evtchn_notify(port);
  return true;
}

uint64_t evtchn_take(void) {
  return __atomic_fetch_and(&shared_info->evtchn_pending[0], ~kernel_ports, __ATOMIC_SEQ_CST) & kernel_ports;
}

/* What wait() polls on: xenstore's port once the kernel speaks xenstore, and
 * the kernel's own ports. Returns how many (0: wake on any event). */
unsigned evtchn_poll_list(const uint32_t **ports) {
  unsigned n = 0;
  if (store_port() >= 0) poll_list[n++] = (uint32_t)store_port();
  for (uint64_t p = kernel_ports; p; p &= p - 1) poll_list[n++] = (uint32_t)__builtin_ctzll(p);
  *ports = poll_list;
  return n;
}
