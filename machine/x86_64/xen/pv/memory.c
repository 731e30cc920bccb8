/* memory.c — the guest's memory under Xen PV: frame numbers, the shared info
 * page, and the mapping of RAM for the wasm linear memory.
 *
 * Xen's domain builder maps only the bootstrap region (the image, the P2M
 * list, start_info, the ring pages, the page tables, a stack and at least
 * 512 KiB of padding, ending on a 4 MiB boundary: xen.h, "start of day"
 * layout). The linear memory starts right after it, at the first unmapped
 * address, and is mapped as it grows (linear_memory_commit): the rest of its
 * window (LINEAR_MEMORY_WINDOW in machine.h) stays unmapped, so an access
 * out of bounds faults and is a wasm trap (trap.c), and the compiled kernel
 * needs no bounds checks. Nothing else is mapped above it.
 * A PV guest's page tables are read-only to it: each new table page is
 * filled through a scratch mapping, unmapped, and then hooked into its
 * parent with mmu_update, which is when Xen validates it (xen.h,
 * HYPERVISOR_mmu_update). The table pages come from the top of RAM and are
 * never mapped, so the linear memory ends below them. Virtual address =
 * pseudo-physical address throughout. */
#include "layout.h"
#include "machine.h"

#define PTE_USER (1ull << 2)
#define PTE_ACCESSED (1ull << 5)
#define PTE_DIRTY (1ull << 6)
#define PTE_NX (1ull << 63)
#define PTE_FRAME 0x000ffffffffff000ull
#define DATA_PTE (PTE_P | PTE_W | PTE_USER | PTE_ACCESSED | PTE_DIRTY | PTE_NX)
#define TABLE_PTE (PTE_P | PTE_W | PTE_USER | PTE_ACCESSED)
#define TWO_MB (2ull << 20)
#define GIB (1ull << 30)

extern char stack_guard[], __text_start[], __text_end[], __rodata_end[], __data_end[], __image_end[];

volatile struct shared_info *shared_info;
static char shared_info_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static char scratch_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint64_t linear_base, linear_end, next_table_pfn;

uint64_t pfn_to_mfn(uint64_t pfn) { return ((const uint64_t *)start_info->mfn_list)[pfn]; }
static uint64_t mfn_to_pfn(uint64_t mfn) { return ((const uint64_t *)MACH2PHYS_VIRT_START)[mfn]; }
void *mfn_to_virt(uint64_t mfn) { return (void *)(mfn_to_pfn(mfn) * PAGE_SIZE); }
static uint64_t entry_mfn(uint64_t e) { return (e & PTE_FRAME) / PAGE_SIZE; }
static unsigned table_index(uint64_t va, int level) { return (va >> (12 + 9 * (level - 1))) & 511; }
static uint64_t data_pte(uint64_t va) { return pfn_to_mfn(va / PAGE_SIZE) * PAGE_SIZE | DATA_PTE; }

static NORETURN void refused(const char *what, long rc) {
  kprintf("crust: Xen refused %s (error %d)\n", what, (int)rc);
  power_off(EXIT_PANIC);
}

/* HYPERVISOR_update_va_mapping: one page of the current address space. */
static void map_page(const void *va, uint64_t pte) {
  long rc = hypercall(__HYPERVISOR_update_va_mapping, (uint64_t)va, pte, UVMF_INVLPG, 0);
  if (rc) refused("a page mapping", rc);
}

static void update_tables(const struct mmu_update *u, unsigned n) {
  long rc = hypercall(__HYPERVISOR_mmu_update, (uint64_t)u, n, 0, DOMID_SELF);
  if (rc) refused("a page-table update", rc);
}

static void set_table_entry(uint64_t table_mfn, unsigned index, uint64_t value) {
  struct mmu_update u = {table_mfn * PAGE_SIZE + index * 8 + MMU_NORMAL_PT_UPDATE, value};
  update_tables(&u, 1);
}

static void map_frame(void *va, uint64_t mfn) { map_page(va, mfn * PAGE_SIZE | DATA_PTE); }

/* A PV guest names pages to Xen and backends by machine frame. */
uint64_t guest_frame(uint64_t va) { return pfn_to_mfn(va / PAGE_SIZE); }

/* grant_table.h: GNTTABOP_setup_table gives the table's machine frames. */
bool grant_table_map(void *page) {
  uint64_t frame;
  struct gnttab_setup_table op = {.dom = DOMID_SELF, .nr_frames = 1, .frame_list = &frame};
  if (hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, (uint64_t)&op, 1, 0) || op.status) return false;
  map_frame(page, frame);
  return true;
}

void shared_info_init(void) {
  map_page(shared_info_page, start_info->shared_info | DATA_PTE);
  shared_info = (volatile struct shared_info *)shared_info_page;
  shared_info->vcpu_info[0].evtchn_upcall_mask = 1; /* upcalls only in wait(): see time.c */
}

/* The bootstrap L1 table that maps va (0 if none). The bootstrap tables map
 * themselves, so they are readable at their pseudo-physical address. */
static uint64_t boot_l1_mfn(uint64_t va) {
  uint64_t e = ((const uint64_t *)start_info->pt_base)[table_index(va, 4)];
  for (int level = 3; level >= 2 && (e & PTE_P); level--)
    e = ((const uint64_t *)mfn_to_virt(entry_mfn(e)))[table_index(va, level)];
  return (e & PTE_P) ? entry_mfn(e) : 0;
}

static bool boot_mapped(uint64_t va) {
  uint64_t l1 = boot_l1_mfn(va);
  return l1 && (((const uint64_t *)mfn_to_virt(l1))[table_index(va, 1)] & PTE_P);
}

/* Section rights as under PVH (pvh/paging.c): text read+execute,
 * rodata and the symbol table read-only, data never executable. The builder
 * mapped the whole image read+write+execute. One batch of mmu_updates. */
static void protect_image(void) {
  static struct mmu_update batch[256];
  unsigned n = 0;
  for (uint64_t va = (uint64_t)__text_start; va < (uint64_t)__image_end; va += PAGE_SIZE) {
    uint64_t l1 = boot_l1_mfn(va), pte = l1 ? ((const uint64_t *)mfn_to_virt(l1))[table_index(va, 1)] : 0;
    if (!(pte & PTE_P)) continue; /* the guard page */
    if (va < (uint64_t)__text_end) pte &= ~(PTE_W | PTE_NX);
    else if (va < (uint64_t)__rodata_end || va >= (uint64_t)__data_end) pte = (pte & ~PTE_W) | PTE_NX;
    else pte |= PTE_NX;
    batch[n++] = (struct mmu_update){l1 * PAGE_SIZE + table_index(va, 1) * 8 + MMU_NORMAL_PT_UPDATE, pte};
    if (n == sizeof batch / sizeof batch[0]) update_tables(batch, n), n = 0;
  }
  update_tables(batch, n);
  /* mmu_update leaves the TLB alone: drop the old, wider rights. */
  struct mmuext_op flush = {.cmd = MMUEXT_TLB_FLUSH_LOCAL};
  hypercall(__HYPERVISOR_mmuext_op, (uint64_t)&flush, 1, 0, DOMID_SELF);
}

/* A new page table from the reserve at the top of RAM, filled with the data
 * mappings of [from, to) (an empty table when from == to). */
static uint64_t new_table(uint64_t chunk, uint64_t from, uint64_t to) {
  uint64_t mfn = pfn_to_mfn(next_table_pfn++);
  uint64_t *t = (uint64_t *)scratch_page;
  map_page(scratch_page, mfn * PAGE_SIZE | DATA_PTE);
  memset(t, 0, PAGE_SIZE);
  for (uint64_t va = from; va < to; va += PAGE_SIZE) t[(va - chunk) / PAGE_SIZE] = data_pte(va);
  map_page(scratch_page, data_pte((uint64_t)scratch_page)); /* no writable mapping is left */
  return mfn;
}

/* The tables that map the window: per GiB its L2, per 2 MiB its L1 (0:
 * none yet). Tables made here cannot be read back (they are mapped nowhere),
 * so they are remembered. */
static uint64_t l3_mfn, l2_mfn_of[(LINEAR_MEMORY_WINDOW >> 30) + 1], l1_mfn_of[(LINEAR_MEMORY_WINDOW >> 21) + 512];
static uint64_t committed_end;

static void remember_boot_tables(void) {
  const uint64_t *l3 = mfn_to_virt(l3_mfn);
  for (unsigned g = 0; g < sizeof l2_mfn_of / sizeof l2_mfn_of[0]; g++) {
    if (!(l3[g] & PTE_P)) continue;
    l2_mfn_of[g] = entry_mfn(l3[g]);
    const uint64_t *l2 = mfn_to_virt(l2_mfn_of[g]);
    for (unsigned i = 0; i < 512; i++)
      if (l2[i] & PTE_P) l1_mfn_of[g * 512 + i] = entry_mfn(l2[i]);
  }
}

void linear_memory_commit(uint64_t bytes) {
  uint64_t end = (linear_base + bytes + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
  if (end > linear_end) end = linear_end; /* wasm_rt never asks beyond the limit */
  static struct mmu_update batch[256];
  unsigned n = 0;
  for (uint64_t va = committed_end; va < end;) {
    uint64_t chunk = va & ~(TWO_MB - 1), hi = chunk + TWO_MB < end ? chunk + TWO_MB : end;
    uint64_t *l1 = &l1_mfn_of[va / TWO_MB];
    if (*l1) { /* a table that maps part of this chunk already: add the pages */
      for (; va < hi; va += PAGE_SIZE) {
        batch[n++] = (struct mmu_update){*l1 * PAGE_SIZE + table_index(va, 1) * 8 + MMU_NORMAL_PT_UPDATE, data_pte(va)};
        if (n == sizeof batch / sizeof batch[0]) update_tables(batch, n), n = 0;
      }
      continue;
    }
    uint64_t *l2 = &l2_mfn_of[va / GIB];
    if (!*l2) {
      *l2 = new_table(0, 0, 0);
      set_table_entry(l3_mfn, table_index(va, 3), *l2 * PAGE_SIZE | TABLE_PTE);
    }
    *l1 = new_table(chunk, va, hi);
    set_table_entry(*l2, table_index(va, 2), *l1 * PAGE_SIZE | TABLE_PTE);
    va = hi;
  }
  update_tables(batch, n);
  committed_end = end;
}

void memory_init(void) {
  uint64_t ram_end = start_info->nr_pages * PAGE_SIZE;
  uint64_t boot_end = start_info->pt_base + start_info->nr_pt_frames * PAGE_SIZE;
  while (boot_end < ram_end && boot_mapped(boot_end)) boot_end += PAGE_SIZE;
  /* The reserve: one L1 per 2 MiB chunk to map, one L2 per GiB, rounded up. */
  uint64_t reserve = (ram_end - (boot_end & ~(TWO_MB - 1))) / TWO_MB + ram_end / GIB + 2;
  linear_base = linear_end = committed_end = boot_end;
  if (boot_end / PAGE_SIZE + reserve < start_info->nr_pages) {
    next_table_pfn = start_info->nr_pages - reserve;
    linear_end = next_table_pfn * PAGE_SIZE;
  }
  /* The bootstrap region is in the first 512 GiB, so is the window. */
  l3_mfn = entry_mfn(((const uint64_t *)start_info->pt_base)[0]);
  remember_boot_tables();
  /* Null pointers and stack overflows fault instead of reading or writing. */
  map_page(0, 0);
  map_page(stack_guard, 0);
  protect_image();
}

uint64_t linear_memory_base(void) { return linear_base; }
uint64_t linear_memory_limit(void) { return linear_end - linear_base; }
