/* guest.h — what every Xen guest of Crust has, PV (xen/pv/) or PVH
 * (xen/pvh/): hypercalls through the hypercall page, the shared info page,
 * the console and xenstore rings, event channels and grants (the files in
 * xen/). What differs between the two is how these are found: PV reads
 * start_info and translates frame numbers through the P2M; PVH asks for
 * HVM params and maps pages into its own physical address space. Those few
 * functions are declared at the end and implemented once per mode, as is
 * how an event upcall enters the guest (PV: an event callback returned from
 * with HYPERVISOR_iret; PVH: an IDT vector). The mode's platform.h includes
 * this. */
#ifndef CRUST_XEN_GUEST_H
#define CRUST_XEN_GUEST_H
#include "xen.h"

#ifndef __ASSEMBLER__
extern volatile struct shared_info *shared_info;

/* The hypercall page (hypercall_page.S), filled in by Xen: hypercall n is a
 * call to hypercall_page + 32 n with arguments in rdi, rsi, rdx, r10, r8
 * (xen.h). */
extern char hypercall_page[];
static inline long hypercall(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4) {
  register uint64_t r10 __asm__("r10") = a4;
  long ret;
  __asm__ volatile("call *%[entry]"
                   : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10)
                   : [entry] "r"(hypercall_page + nr * 32)
                   : "memory", "rcx", "r11", "r8");
  return ret;
}
static inline long sched_op(unsigned cmd, void *arg) {
  return hypercall(__HYPERVISOR_sched_op, cmd, (uint64_t)arg, 0, 0);
}
static inline void evtchn_notify(uint32_t port) {
  struct evtchn_send s = {port};
  hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)&s, 0, 0);
}

/* console.c */
void console_init(void);
uint32_t console_put(const char *s, uint32_t n);
void console_flush(void);
/* time.c */
void time_init(void);
void wait_for_event(uint32_t port, uint64_t deadline_ns);
/* events.c */
void events_init(void);
void evtchn_collect(void); /* the upcall handler */
bool evtchn_kernel_pending(void);
void evtchn_clear(uint32_t port);
int evtchn_alloc(uint32_t remote_domid);
bool evtchn_send_kernel(uint32_t port);
uint64_t evtchn_take(void);
/* grants.c */
bool grant_access(uint32_t ref, uint32_t domid, uint64_t va, bool readonly);
bool grant_end(uint32_t ref);
/* store.c */
void store_write(const char *path, const char *value);
bool store_send(const void *data, uint32_t len);
uint32_t store_receive(void *buf, uint32_t cap);
int store_port(void);

/* Per mode (xen/pv/, xen/pvh/): where the toolstack put things. */
struct xen_ring {
  void *page;    /* the ring page, mapped */
  uint32_t port; /* its event channel */
};
struct xen_ring console_ring(void);
struct xen_ring store_ring(void);
/* Map the shared info page and set shared_info. */
void shared_info_init(void);
/* Map frame 0 of this domain's grant table over a page-aligned page of .bss. */
bool grant_table_map(void *page);
/* The frame number Xen and backends know a mapped page by (a grant's frame). */
uint64_t guest_frame(uint64_t va);
/* Have Xen enter evtchn_collect() for event upcalls (0, or Xen's error). */
long upcalls_init(void);
/* Called with upcalls masked: let them in, sleep until an event is pending
 * or delivered (at once if one is pending already), mask them again. Upcalls
 * run the handler only in here. */
void events_block(void);
#endif
#endif
