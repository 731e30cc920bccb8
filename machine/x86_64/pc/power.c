/* power.c — ending the guest with an exit code.
 * QEMU's isa-debug-exit device (crust run always adds it, port 0xf4) turns a
 * write of v into QEMU's exit status (v << 1) | 1. The guest writes code + 1,
 * so that status 1 stays QEMU's own "failed to start" and crust can tell the
 * two apart: crust decodes code = (status >> 1) - 1. Without
 * it the guest powers off through ACPI (the code is then lost: the VMM sees a
 * plain power-off), and as a last resort resets through the 8042 controller,
 * which QEMU -no-reboot and Firecracker both treat as the end of the VM. */
#include "machine.h"

#define DEBUG_EXIT_PORT 0xf4
#define KBC_COMMAND 0x64
#define KBC_PULSE_RESET 0xfe

void power_off(int code) {
  __asm__ volatile("cli");
  outl(DEBUG_EXIT_PORT, (uint32_t)code + 1);
  acpi_power_off();
  outb(KBC_COMMAND, KBC_PULSE_RESET);
  for (;;) __asm__ volatile("hlt");
}
