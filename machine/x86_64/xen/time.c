/* time.c — clocks from Xen's shared info page, and the only place the guest
 * sleeps (xen/include/public/xen.h, struct vcpu_time_info and the wall
 * clock fields of struct shared_info).
 *  - Xen's system time: nanoseconds since the host booted, extrapolated from
 *    the TSC with the scale Xen publishes; the monotonic clock counts it from
 *    the first instruction of this guest (entry.S's TSC stamp).
 *  - Wall clock: the Unix time of system time 0, plus system time.
 *  - wait(deadline): with upcalls masked, collect what fired (events.c); if
 *    nothing the kernel waits for did, arm the singleshot timer at the
 *    deadline (set_timer_op, xen.h; it fires VIRQ_TIMER) and block
 *    (events_block: SCHEDOP_block under PV, which unmasks and checks for
 *    pending events atomically, sched.h; STI;HLT under PVH, which Xen turns
 *    into SCHEDOP_block). The upcall handler records what fired while it
 *    slept; the kernel's event sources then take it, as an interrupt's
 *    line on the qemu target.
 *  - The machine layer's own waits (wait_for_event: console.c for room in
 *    the ring, store.c for the exit code's reply), which the crash path
 *    needs too, sleep in SCHEDOP_poll instead: no upcalls, they stay masked. */
#include "machine.h"

#define NSEC 1000000000ull

static volatile struct vcpu_time_info *vt;
static uint64_t system_time_at_entry;

static inline void read_barrier(void) { __atomic_thread_fence(__ATOMIC_ACQUIRE); }

static uint64_t scale_tsc(uint64_t ticks, uint32_t mul, int8_t shift) {
  ticks = shift < 0 ? ticks >> -shift : ticks << shift;
  return (uint64_t)(((unsigned __int128)ticks * mul) >> 32);
}

/* Xen's system time now. */
static uint64_t system_time(void) {
  uint32_t version;
  uint64_t t;
  do {
    version = vt->version;
    read_barrier();
    /* Modular difference: the guest's TSC carries an offset that can put
     * tsc_timestamp "below zero". A TSC read just before the stamp counts 0. */
    int64_t delta = (int64_t)(rdtsc() - vt->tsc_timestamp);
    t = vt->system_time + scale_tsc(delta > 0 ? (uint64_t)delta : 0, vt->tsc_to_system_mul, vt->tsc_shift);
    read_barrier();
  } while ((version & 1) || version != vt->version);
  return t;
}

void time_init(void) {
  vt = &shared_info->vcpu_info[0].time;
  uint64_t tsc = rdtsc(), now = system_time();
  uint64_t since_entry = scale_tsc(tsc - tsc_at_entry, vt->tsc_to_system_mul, vt->tsc_shift);
  system_time_at_entry = now > since_entry ? now - since_entry : 0;
}

/* Never backwards, even if Xen's extrapolation from an older time update
 * overshoots the next one. */
uint64_t monotonic_ns(void) {
  static uint64_t last;
  uint64_t t = system_time() - system_time_at_entry;
  if (t < last) t = last;
  return last = t;
}

int64_t wall_ns(void) {
  uint32_t version;
  uint64_t sec, nsec;
  do {
    version = shared_info->wc_version;
    read_barrier();
    sec = shared_info->wc_sec | (uint64_t)shared_info->wc_sec_hi << 32;
    nsec = shared_info->wc_nsec;
    read_barrier();
  } while ((version & 1) || version != shared_info->wc_version);
  return (int64_t)(sec * NSEC + nsec + system_time());
}

/* Sleep until port is pending or the deadline, upcalls masked (sched.h,
 * SCHEDOP_poll). Poll returns at once if the port is already pending, so a
 * caller clears it before it last looks at what it waits for. It sees the
 * pending bit whatever the port's mask (the console's is masked: events.c).
 * Under PVH any other event may end it early (Xen kicks the vCPU for the
 * upcall it cannot inject with interrupts off); callers loop. */
void wait_for_event(uint32_t port, uint64_t deadline_ns) {
  if (deadline_ns <= monotonic_ns()) return;
  struct sched_poll poll = {
      .ports = &port,
      .nr_ports = 1,
      .timeout = deadline_ns >= INT64_MAX ? 0 : deadline_ns + system_time_at_entry, /* 0: none */
  };
  sched_op(SCHEDOP_poll, &poll);
}

/* Xen takes a timeout more than 2^50 ns ahead for a wrapped one and fires
 * it within 100 ms (xen/common/sched/core.c, do_set_timer_op); a farther
 * deadline is approached in steps of this size. */
#define TIMER_MAX_AHEAD_NS (1ull << 49)

/* The kernel's wait(): until one of its event channels (or xenstore's)
 * fires, or the deadline. The check and the block are one step for Xen:
 * an event after evtchn_kernel_pending() leaves evtchn_upcall_pending set,
 * and events_block() then returns at once. Anything else that fires (the
 * timer early, a stale timer, a port the kernel does not wait for) only
 * turns the loop. */
void wait_until(uint64_t deadline_ns) {
  while (!evtchn_kernel_pending()) {
    uint64_t now = monotonic_ns();
    if (now >= deadline_ns) return;
    uint64_t until = deadline_ns - now > TIMER_MAX_AHEAD_NS ? now + TIMER_MAX_AHEAD_NS : deadline_ns;
    hypercall(__HYPERVISOR_set_timer_op, until + system_time_at_entry, 0, 0, 0);
    events_block();
  }
}
