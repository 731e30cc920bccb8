/* grants.c — the grant table (grant_table.h, version 1): how this domain
 * lets a backend in another domain read or write pages of its linear memory
 * (ring pages, packet buffers). The table's first frame is mapped over a
 * page of .bss on first use (xen/pv/memory.c, xen/pvh/hvm.c). The kernel
 * names pages by linear-memory offset; refs below 8 are the toolstack's. */
#include "layout.h"
#include "machine.h"

#define GRANT_ENTRIES (PAGE_SIZE / sizeof(struct grant_entry_v1))

static char table_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static volatile struct grant_entry_v1 *table;

static bool grant_table_init(void) {
  if (table) return true;
  if (!grant_table_map(table_page)) return false;
  table = (volatile struct grant_entry_v1 *)table_page;
  return true;
}

bool grant_access(uint32_t ref, uint32_t domid, uint64_t va, bool readonly) {
  if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= GRANT_ENTRIES || !grant_table_init()) return false;
  table[ref].domid = (uint16_t)domid;
  table[ref].frame = (uint32_t)guest_frame(va);
  __atomic_thread_fence(__ATOMIC_RELEASE); /* grant_table.h: flags last */
  table[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
  return true;
}

/* Revoke a grant unless the peer is using it right now (then false: retry). */
bool grant_end(uint32_t ref) {
  if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= GRANT_ENTRIES || !table) return false;
  uint16_t flags = table[ref].flags;
  if (flags & (GTF_reading | GTF_writing)) return false;
  return __atomic_compare_exchange_n(&table[ref].flags, &flags, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
