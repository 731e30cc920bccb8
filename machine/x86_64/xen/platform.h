/* platform.h (xen) — what the Xen PV platform's files offer each other. A
 * 64-bit PV guest runs in ring 3 on page tables that Xen validates: it asks
 * Xen (hypercalls) for everything privileged — page-table updates, trap
 * entry points, sleeping, shutting down. The shared files see this through
 * machine.h; isr.S includes it for TRAP_ENTRY_PROLOGUE. */
#ifndef CRUST_PLATFORM_H
#define CRUST_PLATFORM_H
#include "xen.h"

/* Xen bounces an exception to the guest with %rcx and %r11 pushed on top of
 * the CPU's frame (xen/include/public/arch-x86/xen-x86_64.h, "Exception
 * frames"); popping them leaves the native layout that isr.S expects. */
#define TRAP_ENTRY_PROLOGUE popq %rcx; popq %r11

#ifndef __ASSEMBLER__
extern const struct start_info *start_info;
extern volatile struct shared_info *shared_info;

/* The hypercall page that Xen fills in (entry.S): hypercall n is a call to
 * hypercall_page + 32 n with arguments in rdi, rsi, rdx, r10, r8 (xen.h). */
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

/* memory.c: frame numbers. The guest's pseudo-physical page n is mapped at
 * virtual address n * 4096 (VIRT_BASE 0); Xen wants machine frames. */
uint64_t pfn_to_mfn(uint64_t pfn);
void *mfn_to_virt(uint64_t mfn);
void map_frame(void *va, uint64_t mfn); /* over a page-aligned page of .bss, read+write */
void shared_info_init(void);
void memory_init(void);
/* console.c */
void console_init(void);
void console_flush(void);
/* time.c */
void time_init(void);
void wait_for_event(uint32_t port, uint64_t deadline_ns);
/* events.c */
void evtchn_clear(uint32_t port);
int evtchn_alloc(uint32_t remote_domid);
bool evtchn_send_kernel(uint32_t port);
uint64_t evtchn_take(void);
unsigned evtchn_poll_list(const uint32_t **ports);
/* grants.c */
bool grant_access(uint32_t ref, uint32_t domid, uint64_t va, bool readonly);
bool grant_end(uint32_t ref);
/* traps.c */
void traps_init(void);
/* store.c */
void store_write(const char *path, const char *value);
bool store_send(const void *data, uint32_t len);
uint32_t store_receive(void *buf, uint32_t cap);
int store_port(void);
#endif
#endif
