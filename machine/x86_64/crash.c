/* crash.c — the end of a broken guest: a report that names the functions on
 * the stack, then power-off with a distinct exit code. Backtraces follow the
 * frame-pointer chain (everything is built with -fno-omit-frame-pointer) and are
 * symbolized from the .ksyms table that the build appends to the image. */
#include "layout.h"
#include "machine.h"
#include "trap.h"

#define MAX_FRAMES 48

/* .ksyms layout, written by tools/src/pipeline/ksyms.ts: a count, then sorted
 * (address, name offset) pairs, then the NUL-terminated names. */
struct ksym { uint64_t addr; uint32_t name; uint32_t size; };
extern const char __ksyms_start[], __ksyms_end[];
extern char __text_start[], __text_end[], __image_end[];

static const char *lookup(uint64_t pc, uint64_t *offset) {
  if (__ksyms_end - __ksyms_start < 8) return NULL;
  uint32_t n = *(const uint32_t *)__ksyms_start;
  const struct ksym *syms = (const struct ksym *)(__ksyms_start + 8);
  const char *names = (const char *)(syms + n);
  int lo = 0, hi = (int)n - 1, found = -1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (syms[mid].addr <= pc) found = mid, lo = mid + 1;
    else hi = mid - 1;
  }
  if (found < 0 || pc >= syms[found].addr + syms[found].size + 1) return NULL;
  *offset = pc - syms[found].addr;
  return names + syms[found].name;
}

void symbolize_line(uint64_t pc) {
  uint64_t off = 0;
  const char *name = lookup(pc, &off);
  /* wasm2c prefixes the kernel's functions with w2c_: show the wasm name. */
  if (name && strncmp(name, "w2c_", 4) == 0) name += 4;
  if (name) kprintf("  %016lx %s+0x%lx\n", pc, name, off);
  else kprintf("  %016lx ?\n", pc);
}

/* A frame pointer is followed only while it stays inside the image's data
 * (where both stacks live), so a corrupt chain ends the walk, not the report. */
static bool plausible_frame(uint64_t rbp) {
  return rbp && !(rbp & 7) && rbp >= (uint64_t)__text_end && rbp + 16 <= (uint64_t)__image_end;
}

void backtrace(uint64_t rbp) {
  for (int i = 0; i < MAX_FRAMES && plausible_frame(rbp); i++) {
    uint64_t ret = ((uint64_t *)rbp)[1];
    if (ret < (uint64_t)__text_start || ret >= (uint64_t)__text_end) break;
    symbolize_line(ret - 1); /* inside the call, not after it */
    rbp = ((uint64_t *)rbp)[0];
  }
}

void crash(int code, const char *what, uint64_t rbp) {
  interrupts_off();
  if (what) {
    kprintf("%s\nbacktrace:\n", what);
  }
  backtrace(rbp);
  kprintf("crust: halted with exit code %d\n", code);
  power_off(code);
}
