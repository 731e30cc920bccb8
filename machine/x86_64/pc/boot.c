/* boot.c — from the PVH entry (pvh/pvh.S) to the kernel on QEMU's emulated
 * PC: the serial console first, so that every later failure is reported,
 * then the machine in dependency order. */
#include "machine.h"

void boot_main(const struct hvm_start_info *si) {
  serial_init();
  read_start_info(si);
  acpi_init(boot.rsdp); /* before paging_init and before linear memory can cover the tables */
  paging_init();
  cpu_init();
  irq_init();
  time_init();
  kernel_run();
}
