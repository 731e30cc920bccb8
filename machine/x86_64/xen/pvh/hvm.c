/* hvm.c — what a PVH domain asks Xen for, where a PV domain reads start_info
 * and the P2M (xen/pv/): the hypercall page (CPUID leaves and an MSR), the
 * console and xenstore rings (HVM params), the shared info page and the
 * grant table (placed at guest frames of its choosing with
 * XENMEM_add_to_physmap). Xen translates guest frames itself (HVM paging),
 * so a page is named by its guest-physical frame. ABI: xen.h's PVH part. */
#include "layout.h"
#include "machine.h"

volatile struct shared_info *shared_info;
static char shared_info_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct xen_ring console, store;

/* arch-x86/cpuid.h: Xen's leaves sit at the first 0x100-aligned base from
 * 0x40000000 with the signature (another hypervisor interface, e.g.
 * Viridian, may come first); base+2 must exist. 0 when not under Xen. */
static uint32_t xen_cpuid_base(void) {
  uint32_t r[4];
  for (uint32_t base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_FIRST_LEAF + 0x10000; base += 0x100) {
    cpuid(base, 0, r);
    if (r[1] == XEN_CPUID_SIGNATURE_EBX && r[2] == XEN_CPUID_SIGNATURE_ECX && r[3] == XEN_CPUID_SIGNATURE_EDX &&
        r[0] >= base + 2)
      return base;
  }
  return 0;
}

/* Xen fills the page (page 0 of the MSR's range: the low 12 bits) when its
 * guest-physical address is written to the MSR that leaf base+2 names. The
 * image is identity-mapped, so virtual = physical. Without Xen there is
 * nobody to tell, and nothing to do but stop. */
void hypercall_page_init(void) {
  uint32_t base = xen_cpuid_base(), r[4];
  if (!base)
    for (;;) __asm__ volatile("cli; hlt");
  cpuid(base + 2, 0, r);
  wrmsr(r[1], (uint64_t)hypercall_page);
}

static uint64_t hvm_param(uint32_t index) {
  struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
  return hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)&p, 0, 0) ? 0 : p.value;
}

/* The toolstack's ring pages are RAM that is not in the memory map (xl puts
 * them just below 4 GiB), reached through paging.c's map of the device hole:
 * uncached there, which costs speed but not correctness (x86 keeps uncached
 * accesses coherent with the daemons' cached ones). */
void rings_init(void) {
  uint64_t console_pfn = hvm_param(HVM_PARAM_CONSOLE_PFN), store_pfn = hvm_param(HVM_PARAM_STORE_PFN);
  if (console_pfn) console = (struct xen_ring){(void *)(console_pfn * PAGE_SIZE), (uint32_t)hvm_param(HVM_PARAM_CONSOLE_EVTCHN)};
  if (!store_pfn) {
    kprintf("crust: Xen gave no xenstore ring (HVM_PARAM_STORE_PFN)\n");
    power_off(EXIT_PANIC); /* before shared_info_init: power.c skips the xenstore write */
  }
  store = (struct xen_ring){(void *)(store_pfn * PAGE_SIZE), (uint32_t)hvm_param(HVM_PARAM_STORE_EVTCHN)};
}

struct xen_ring console_ring(void) { return console; }
struct xen_ring store_ring(void) { return store; }

static long add_to_physmap(uint32_t space, void *page) {
  struct xen_add_to_physmap op = {.domid = DOMID_SELF, .space = space, .idx = 0, .gpfn = (uint64_t)page / PAGE_SIZE};
  return hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)&op, 0, 0);
}

void shared_info_init(void) {
  long rc = add_to_physmap(XENMAPSPACE_shared_info, shared_info_page);
  if (rc) {
    kprintf("crust: Xen refused the shared info page (error %d)\n", (int)rc);
    power_off(EXIT_PANIC);
  }
  shared_info = (volatile struct shared_info *)shared_info_page;
  /* Set as under PV, though it gates nothing here: RFLAGS.IF gates a PVH
   * domain's upcalls (boot.c). */
  shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
}

bool grant_table_map(void *page) { return add_to_physmap(XENMAPSPACE_grant_table, page) == 0; }

/* The linear memory's window is backed by the RAM after the image
 * (pvh/paging.c); everything else is identity-mapped. */
uint64_t guest_frame(uint64_t va) {
  uint64_t offset = va - linear_memory_base();
  if (va >= linear_memory_base() && offset < LINEAR_MEMORY_WINDOW) return linear_memory_dma((uint32_t)offset) / PAGE_SIZE;
  return va / PAGE_SIZE;
}
