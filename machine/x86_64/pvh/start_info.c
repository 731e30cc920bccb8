/* start_info.c — what the PVH loader (QEMU -kernel, Firecracker, Xen's domain
 * builder for a PVH domain) tells the guest: the command line, the RAM that
 * holds the image, the ACPI RSDP. The platform's boot_main calls this in its
 * own bring-up order (pc/boot.c, xen/pvh/boot.c). */
#include "machine.h"

/* xen/include/public/arch-x86/hvm/start_info.h */
#define HVM_START_MAGIC 0x336ec578
#define E820_RAM 1
#define IMAGE_BASE 0x100000

struct hvm_start_info {
  uint32_t magic, version, flags, nr_modules;
  uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
  uint64_t memmap_paddr; /* version >= 1 */
  uint32_t memmap_entries, reserved;
};
struct hvm_memmap_entry {
  uint64_t addr, size;
  uint32_t type, reserved;
};

struct boot_info boot;
static char cmdline[4096]; /* copied: the loader's copy may lie in linear memory */

void read_start_info(const struct hvm_start_info *si) {
  if (si->magic != HVM_START_MAGIC) {
    kprintf("crust: bad PVH start info magic %x\n", si->magic);
    power_off(EXIT_PANIC);
  }
  if (si->cmdline_paddr) {
    const char *src = (const char *)si->cmdline_paddr;
    size_t n = 0;
    while (n < sizeof cmdline - 1 && src[n]) n++;
    memcpy(cmdline, src, n);
  }
  boot.cmdline = cmdline;
  boot.rsdp = si->rsdp_paddr;
  if (si->version >= 1 && si->memmap_paddr) {
    const struct hvm_memmap_entry *m = (const struct hvm_memmap_entry *)si->memmap_paddr;
    for (uint32_t i = 0; i < si->memmap_entries; i++)
      if (m[i].type == E820_RAM && m[i].addr <= IMAGE_BASE && m[i].addr + m[i].size > IMAGE_BASE)
        boot.ram_top = (m[i].addr + m[i].size) & ~0xfffull;
  }
  if (!boot.ram_top) {
    kprintf("crust: the loader gave no memory map\n");
    power_off(EXIT_PANIC);
  }
}
