/* devices.c — the Xen platform's primitives of module "crust"
 * (kernel/boundary.ts, "Xen platforms"), from which the AssemblyScript
 * drivers in targets/xen are built: the xenstore and console rings as byte
 * transports, event channels to a backend, and grants of linear-memory
 * pages. */
#include "imports.h"
#include "layout.h"
#include "machine.h"

u32 Z_crustZ_xenstore_send(struct Z_crust_instance_t *c, u32 ptr, u32 len) {
  return store_send(kernel_bytes(c, ptr, len), len) ? 1 : 0;
}

u32 Z_crustZ_xenstore_receive(struct Z_crust_instance_t *c, u32 ptr, u32 cap) {
  return store_receive(kernel_bytes(c, ptr, cap), cap);
}

u32 Z_crustZ_evtchn_alloc(struct Z_crust_instance_t *c, u32 remote_domid) {
  (void)c;
  return (u32)evtchn_alloc(remote_domid);
}

u32 Z_crustZ_evtchn_notify(struct Z_crust_instance_t *c, u32 port) {
  (void)c;
  return evtchn_send_kernel(port) ? 1 : 0;
}

u64 Z_crustZ_evtchn_take(struct Z_crust_instance_t *c) {
  (void)c;
  return evtchn_take();
}

u32 Z_crustZ_grant_access(struct Z_crust_instance_t *c, u32 ref, u32 domid, u32 ptr, u32 readonly) {
  uint64_t va = (uint64_t)kernel_bytes(c, ptr, PAGE_SIZE);
  if (va % PAGE_SIZE) wasm_rt_trap(WASM_RT_TRAP_OOB); /* grants are of whole pages */
  return grant_access(ref, domid, va, readonly != 0) ? 1 : 0;
}

u32 Z_crustZ_grant_end(struct Z_crust_instance_t *c, u32 ref) {
  (void)c;
  return grant_end(ref) ? 1 : 0;
}

u32 Z_crustZ_xencons_put(struct Z_crust_instance_t *c, u32 ptr, u32 len) {
  return console_put((const char *)kernel_bytes(c, ptr, len), len);
}
