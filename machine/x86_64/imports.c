/* imports.c — the machine side of the sandbox boundary: module "crust", the
 * imports every platform has (the hardware primitives of one platform live in
 * its folders, e.g. pc/devices.c). Each function here is one entry of
 * kernel/boundary.ts, which documents them; keep the two in step. Every
 * pointer the kernel passes is an offset into its linear memory and is
 * bounds-checked here: a bad one is a wasm trap, exactly as if the kernel had
 * dereferenced it itself. */
#include "imports.h"
#include "machine.h"

uint8_t *kernel_bytes(struct Z_crust_instance_t *c, uint32_t ptr, uint32_t len) {
  wasm_rt_memory_t *m = Z_kernelZ_memory(c->kernel);
  if ((uint64_t)ptr + len > m->size) wasm_rt_trap(WASM_RT_TRAP_OOB);
  return m->data + ptr;
}

void Z_crustZ_console_write(struct Z_crust_instance_t *c, u32 ptr, u32 len) {
  console_write((const char *)kernel_bytes(c, ptr, len), len);
}

void Z_crustZ_exit(struct Z_crust_instance_t *c, u32 code) {
  (void)c;
  power_off((int)code);
}

void Z_crustZ_panic(struct Z_crust_instance_t *c, u32 ptr, u32 len) {
  kprintf("\ncrust: panic: ");
  console_write((const char *)kernel_bytes(c, ptr, len), len);
  crash(EXIT_PANIC, "", (uint64_t)__builtin_frame_address(0));
}

u64 Z_crustZ_clock_monotonic(struct Z_crust_instance_t *c) { (void)c; return monotonic_ns(); }
u64 Z_crustZ_clock_wall(struct Z_crust_instance_t *c) { (void)c; return (u64)wall_ns(); }

void Z_crustZ_wait(struct Z_crust_instance_t *c, u64 deadline) {
  (void)c;
  wait_until(deadline);
}

u32 Z_crustZ_cmdline(struct Z_crust_instance_t *c, u32 buf, u32 cap) {
  uint32_t n = (uint32_t)strlen(boot.cmdline);
  uint8_t *dst = kernel_bytes(c, buf, cap);
  memcpy(dst, boot.cmdline, n < cap ? n : cap);
  return n;
}

/* RDSEED, else RDRAND (SDM vol. 1 §7.3.17): CPUID.7.0:EBX[18], CPUID.1:ECX[30]. */
static bool hw_random(uint64_t *out) {
  uint32_t r[4];
  unsigned char ok = 0;
  cpuid(7, 0, r);
  if (r[1] & (1u << 18)) {
    for (int i = 0; i < 10 && !ok; i++) __asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok));
    if (ok) return true;
  }
  cpuid(1, 0, r);
  if (r[2] & (1u << 30)) {
    for (int i = 0; i < 10 && !ok; i++) __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
  }
  return ok;
}

u32 Z_crustZ_entropy(struct Z_crust_instance_t *c, u32 buf, u32 len) {
  uint8_t *dst = kernel_bytes(c, buf, len);
  uint32_t done = 0;
  uint64_t v;
  while (done < len && hw_random(&v)) {
    uint32_t n = len - done < 8 ? len - done : 8;
    memcpy(dst + done, &v, n);
    done += n;
  }
  return done;
}
