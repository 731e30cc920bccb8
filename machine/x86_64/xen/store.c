/* store.c — just enough of a xenstore client for the machine layer to leave
 * a value for the toolstack (the exit code, power.c), even when the kernel is
 * broken: one XS_WRITE request on the xenstore ring whose page and event
 * channel start_info names (xen/include/public/io/xs_wire.h). Paths without
 * a leading / are relative to the domain's /local/domain/<id>. */
#include "machine.h"

#define REPLY_TIMEOUT_NS 2000000000ull

static volatile struct xenstore_domain_interface *ring;

static bool put(const void *data, uint32_t len) {
  const char *p = data;
  uint32_t prod = ring->req_prod;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (len > XENSTORE_RING_SIZE - (prod - ring->req_cons)) return false;
  for (uint32_t i = 0; i < len; i++) ring->req[(prod + i) % XENSTORE_RING_SIZE] = p[i];
  __atomic_thread_fence(__ATOMIC_RELEASE); /* the bytes before the index */
  ring->req_prod = prod + len;
  return true;
}

void store_write(const char *path, const char *value) {
  if (!shared_info) return; /* too early in boot: no clock to bound the wait */
  ring = mfn_to_virt(start_info->store_mfn);
  uint32_t path_len = (uint32_t)strlen(path) + 1, value_len = (uint32_t)strlen(value);
  struct xsd_sockmsg msg = {.type = XS_WRITE, .req_id = 1, .tx_id = 0, .len = path_len + value_len};
  uint32_t reply_at = ring->rsp_prod;
  if (!put(&msg, sizeof msg) || !put(path, path_len) || !put(value, value_len)) return;
  uint32_t port = start_info->store_evtchn;
  evtchn_notify(port);
  /* The value is stored once xenstored replies; shutting down before that
   * could lose it. The reply itself (OK or an error) is left unread. */
  uint64_t deadline = monotonic_ns() + REPLY_TIMEOUT_NS;
  while (ring->rsp_prod == reply_at && monotonic_ns() < deadline) wait_for_event(port, deadline);
}
