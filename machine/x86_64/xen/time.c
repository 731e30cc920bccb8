/* time.c — clocks from Xen's shared info page, and the only place the guest
 * sleeps (xen/include/public/xen.h, struct vcpu_time_info and the wall
 * clock fields of struct shared_info).
 *  - Xen's system time: nanoseconds since the host booted, extrapolated from
 *    the TSC with the scale Xen publishes; the monotonic clock counts it from
 *    the first instruction of this guest (entry.S's TSC stamp).
 *  - Wall clock: the Unix time of system time 0, plus system time.
 *  - wait(deadline): SCHEDOP_poll with a timeout (sched.h). Event delivery
 *    stays masked for good — this guest has no upcall handler — and poll
 *    sleeps with it masked; any event channel that fires wakes it early, as
 *    an interrupt ends the qemu target's halt. */
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

/* Sleep until one of ports is pending (none: until any event newly fires)
 * or the deadline. Poll returns at once if a port is already pending, so a
 * caller clears it before it last looks at what it waits for. */
static void poll_ports(const uint32_t *ports, unsigned n, uint64_t deadline_ns) {
  if (deadline_ns <= monotonic_ns()) return;
  struct sched_poll poll = {
      .ports = (uint32_t *)ports,
      .nr_ports = n,
      .timeout = deadline_ns >= INT64_MAX ? 0 : deadline_ns + system_time_at_entry, /* 0: none */
  };
  sched_op(SCHEDOP_poll, &poll);
}

void wait_for_event(uint32_t port, uint64_t deadline_ns) { poll_ports(&port, 1, deadline_ns); }

/* The kernel's wait(): on the event channels it uses (events.c). */
void wait_until(uint64_t deadline_ns) {
  const uint32_t *ports;
  unsigned n = evtchn_poll_list(&ports);
  poll_ports(ports, n, deadline_ns);
}
