/* events.c — event channels (xen/include/public/event_channel.h, and the
 * 2-level layout of struct shared_info and struct vcpu_info in xen.h).
 *  - The kernel allocates unbound ports for a peer domain (a backend),
 *    notifies them, and takes the set that fired. Only ports the kernel
 *    allocated may be notified or taken, so it cannot reach the console's or
 *    xenstore's.
 *  - Upcalls: Xen tells the vCPU that a port fired by setting the port's bit
 *    in evtchn_pending, the word's bit in evtchn_pending_sel and
 *    evtchn_upcall_pending, and, where delivery is enabled, by entering the
 *    upcall handler (PV: the event callback, xen/pv/upcall.S; PVH: an IDT
 *    vector, xen/pvh/boot.c). Delivery is enabled only while wait() blocks
 *    (time.c); everywhere else it is masked (PV: vcpu_info's
 *    evtchn_upcall_mask; PVH: RFLAGS.IF), so the handler never runs
 *    alongside kernel code. Handler and kernel do the same thing,
 *    evtchn_collect(): move what fired into `fired`, clearing it in shared
 *    info. That set is all the handler touches; the kernel's event sources
 *    read it (evtchn_take, store.c) as they read shared info before. */
#include "machine.h"

#define KERNEL_PORTS 64 /* ports 0..63: evtchn_take() reports them as bits of a u64 */

static uint64_t kernel_ports;
/* The ports that fired and that nobody has taken yet, as evtchn_pending. */
static uint64_t fired[EVTCHN_2L_WORDS];

/* The upcall handler's work, and wait()'s check before it blocks: the order
 * is the one xen.h gives for vcpu_info. Clear evtchn_upcall_pending first,
 * then take evtchn_pending_sel: a port that fires after that sets both again
 * (and so wakes SCHEDOP_block, or is injected once PVH enables interrupts).
 * Masked ports (evtchn_mask) stay pending and are not collected. */
void evtchn_collect(void) {
  volatile struct vcpu_info *v = &shared_info->vcpu_info[0];
  v->evtchn_upcall_pending = 0;
  uint64_t words = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
  for (; words; words &= words - 1) {
    unsigned w = (unsigned)__builtin_ctzll(words);
    uint64_t bits = shared_info->evtchn_pending[w] & ~shared_info->evtchn_mask[w];
    if (bits) fired[w] |= __atomic_fetch_and(&shared_info->evtchn_pending[w], ~bits, __ATOMIC_SEQ_CST) & bits;
  }
}

static bool is_set(const uint64_t *words, uint32_t port) { return words[port / 64] & (1ull << (port % 64)); }

/* Forget that port fired, collected or not. */
void evtchn_clear(uint32_t port) {
  if (port >= EVTCHN_2L_WORDS * 64) return;
  __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
  fired[port / 64] &= ~(1ull << (port % 64));
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
  evtchn_collect();
  uint64_t taken = fired[0] & kernel_ports;
  fired[0] &= ~taken;
  return taken;
}

/* What ends wait() early: one of the kernel's ports, or xenstore's once the
 * kernel speaks xenstore, fired and is not taken yet. Collects first, so it
 * sees everything that fired up to now. Delivery must be masked. */
bool evtchn_kernel_pending(void) {
  evtchn_collect();
  int store = store_port();
  return (fired[0] & kernel_ports) || (store >= 0 && is_set(fired, (uint32_t)store));
}

static NORETURN void refused(const char *what, long rc) {
  kprintf("crust: Xen refused %s (error %d)\n", what, (int)rc);
  power_off(EXIT_PANIC);
}

/* After shared_info_init: a port for the timer, and the upcall handler.
 * The console's port is masked: no upcall, so xenconsoled's every read of
 * the ring does not wake wait() for nothing; console.c's own wait for room
 * polls the port, which works whatever its mask (time.c). */
void events_init(void) {
  uint32_t console = console_ring().port;
  if (console) __atomic_fetch_or(&shared_info->evtchn_mask[console / 64], 1ull << (console % 64), __ATOMIC_SEQ_CST);
  /* vcpu.h: no periodic ticks (PV has a 10 ms one from the start). */
  hypercall(__HYPERVISOR_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0, 0);
  /* event_channel.h: without a port bound to VIRQ_TIMER, the timer that
   * set_timer_op arms fires into nothing and wakes no blocked vCPU. */
  struct evtchn_bind_virq bind = {.virq = VIRQ_TIMER, .vcpu = 0};
  long rc = hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (uint64_t)&bind, 0, 0);
  if (rc) refused("the timer's event channel (EVTCHNOP_bind_virq)", rc);
  /* The timer's port fires into `fired` like any other; wait() goes by the
   * clock and ignores it. */
  rc = upcalls_init();
  if (rc) refused("the event upcall", rc);
}
