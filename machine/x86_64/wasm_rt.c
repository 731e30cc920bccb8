/* wasm_rt.c — the freestanding runtime that wasm2c output links against
 * (the contract is /usr/include/wasm-rt.h from Debian's wabt). Linear memory
 * is the RAM after the image (paging.c); tables come from a fixed arena; a
 * trap is fatal and reported with a backtrace. Memory accesses are not bounds
 * checked by the generated code (WASM_RT_MEMCHECK_SIGNAL_HANDLER=1): the
 * linear memory's guard window makes an out-of-bounds access fault. */
#include <stdarg.h>
#include <wasm-rt.h>
#include "machine.h"

#define WASM_PAGE 65536u
#define MAX_FUNC_TYPES 256
#define MAX_TYPE_ARITY 24
#define TABLE_ARENA_BYTES (64 * 1024)

uint32_t wasm_rt_call_stack_depth;
static bool initialized;

struct func_type {
  uint32_t params, results;
  wasm_rt_type_t types[MAX_TYPE_ARITY];
};
static struct func_type func_types[MAX_FUNC_TYPES];
static uint32_t func_type_count;

void wasm_rt_init(void) { initialized = true; }
bool wasm_rt_is_initialized(void) { return initialized; }

const char *wasm_rt_strerror(wasm_rt_trap_t trap) {
  switch (trap) {
  case WASM_RT_TRAP_OOB: return "out-of-bounds memory or table access";
  case WASM_RT_TRAP_INT_OVERFLOW: return "integer overflow";
  case WASM_RT_TRAP_DIV_BY_ZERO: return "integer divide by zero";
  case WASM_RT_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
  case WASM_RT_TRAP_UNREACHABLE: return "unreachable executed";
  case WASM_RT_TRAP_CALL_INDIRECT: return "invalid indirect call";
  case WASM_RT_TRAP_EXHAUSTION: return "call stack exhausted";
  default: return "unknown trap";
  }
}

void wasm_rt_trap(wasm_rt_trap_t trap) {
  kprintf("\ncrust: wasm trap: %s", wasm_rt_strerror(trap));
  crash(EXIT_WASM_TRAP, "", (uint64_t)__builtin_frame_address(0));
}

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  struct func_type t = {params, results, {0}};
  if (params + results > MAX_TYPE_ARITY) goto full;
  va_list ap;
  va_start(ap, results);
  for (uint32_t i = 0; i < params + results; i++) t.types[i] = va_arg(ap, wasm_rt_type_t);
  va_end(ap);
  for (uint32_t i = 0; i < func_type_count; i++)
    if (func_types[i].params == params && func_types[i].results == results &&
        !memcmp(func_types[i].types, t.types, sizeof t.types))
      return i;
  if (func_type_count == MAX_FUNC_TYPES) goto full;
  func_types[func_type_count] = t;
  return func_type_count++;
full:
  kprintf("crust: too many or too large wasm function types\n");
  power_off(EXIT_PANIC);
}

void wasm_rt_allocate_memory(wasm_rt_memory_t *m, uint32_t initial, uint32_t max) {
  uint64_t limit = linear_memory_limit() / WASM_PAGE;
  if (initial > limit) {
    kprintf("crust: not enough memory: the kernel needs %u KiB of linear memory, the VM has %lu KiB\n",
            initial * (WASM_PAGE / 1024), linear_memory_limit() / 1024);
    power_off(EXIT_PANIC);
  }
  m->data = (uint8_t *)linear_memory_base();
  m->pages = initial;
  m->max_pages = max < limit ? max : (uint32_t)limit;
  m->size = initial * WASM_PAGE;
  linear_memory_commit(m->size);
  memset(m->data, 0, m->size);
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *m, uint32_t delta) {
  uint32_t old = m->pages;
  if (delta > m->max_pages - old) return (uint32_t)-1; /* the kernel sees memory.grow fail */
  linear_memory_commit((uint64_t)(old + delta) * WASM_PAGE);
  memset(m->data + (uint64_t)old * WASM_PAGE, 0, (uint64_t)delta * WASM_PAGE);
  m->pages = old + delta;
  m->size = m->pages * WASM_PAGE;
  return old;
}

void wasm_rt_free_memory(wasm_rt_memory_t *m) { (void)m; }

/* Tables never shrink or free: a bump arena is all they need. */
static uint8_t table_arena[TABLE_ARENA_BYTES] __attribute__((aligned(16)));
static size_t table_arena_used;

static void *table_alloc(size_t bytes) {
  bytes = (bytes + 15) & ~(size_t)15;
  if (bytes > sizeof table_arena - table_arena_used) {
    kprintf("crust: wasm tables exceed %u bytes\n", TABLE_ARENA_BYTES);
    power_off(EXIT_PANIC);
  }
  void *p = table_arena + table_arena_used;
  table_arena_used += bytes;
  memset(p, 0, bytes);
  return p;
}

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t *t, uint32_t elements, uint32_t max) {
  t->data = table_alloc(elements * sizeof(wasm_rt_funcref_t));
  t->size = elements;
  t->max_size = elements; /* growing tables is not supported: AssemblyScript never does */
  (void)max;
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t *t) { (void)t; }
