/* store.c — the xenstore ring (xen/include/public/io/xs_wire.h): the page and
 * event channel that start_info (PV) or HVM params (PVH) name, shared with
 * xenstored in dom0.
 *  - For the kernel: byte transport in both directions (devices.c), with the
 *    protocol itself in AssemblyScript (targets/xen/xenstore.ts).
 *  - For the machine layer: one XS_WRITE that leaves a value for the
 *    toolstack even when the kernel is broken (the exit code, power.c).
 * Paths without a leading / are relative to the domain's /local/domain/<id>. */
#include "machine.h"

#define REPLY_TIMEOUT_NS 2000000000ull

static volatile struct xenstore_domain_interface *ring;
static uint32_t port;
static bool kernel_uses_store;

static void store_init(void) {
  if (ring) return;
  struct xen_ring r = store_ring();
  ring = r.page;
  port = r.port;
}

/* The whole of data[0, len) into the request ring, or nothing. */
bool store_send(const void *data, uint32_t len) {
  store_init();
  const char *p = data;
  uint32_t prod = ring->req_prod;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (len > XENSTORE_RING_SIZE - (prod - ring->req_cons)) return false;
  for (uint32_t i = 0; i < len; i++) ring->req[(prod + i) % XENSTORE_RING_SIZE] = p[i];
  __atomic_thread_fence(__ATOMIC_RELEASE); /* the bytes before the index */
  ring->req_prod = prod + len;
  evtchn_notify(port);
  return true;
}

/* Up to cap bytes from the response ring. The event channel's pending bit is
 * cleared first: a reply that arrives after this read sets it again, and
 * wait() (time.c) returns at once while it is set. */
uint32_t store_receive(void *buf, uint32_t cap) {
  store_init();
  kernel_uses_store = true;
  evtchn_clear(port);
  uint32_t cons = ring->rsp_cons;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  uint32_t avail = ring->rsp_prod - cons, n = avail < cap ? avail : cap;
  char *p = buf;
  for (uint32_t i = 0; i < n; i++) p[i] = ring->rsp[(cons + i) % XENSTORE_RING_SIZE];
  __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the bytes before giving the space back */
  ring->rsp_cons = cons + n;
  if (n) evtchn_notify(port);
  return n;
}

/* The event channel wait() sleeps on, once the kernel speaks xenstore. */
int store_port(void) { return kernel_uses_store ? (int)port : -1; }

void store_write(const char *path, const char *value) {
  if (!shared_info) return; /* too early in boot: no clock to bound the wait */
  store_init();
  uint32_t path_len = (uint32_t)strlen(path) + 1, value_len = (uint32_t)strlen(value);
  struct xsd_sockmsg msg = {.type = XS_WRITE, .req_id = 0xc0de, .tx_id = 0, .len = path_len + value_len};
  char buf[sizeof msg + 128];
  if (msg.len > sizeof buf - sizeof msg) return;
  memcpy(buf, &msg, sizeof msg);
  memcpy(buf + sizeof msg, path, path_len);
  memcpy(buf + sizeof msg + path_len, value, value_len);
  uint32_t reply_at = ring->rsp_prod;
  if (!store_send(buf, sizeof msg + msg.len)) return;
  /* The value is stored once xenstored replies; shutting down before that
   * could lose it. The reply itself (OK or an error) is left unread. */
  uint64_t deadline = monotonic_ns() + REPLY_TIMEOUT_NS;
  while (ring->rsp_prod == reply_at && monotonic_ns() < deadline) {
    evtchn_clear(port);
    if (ring->rsp_prod != reply_at) break;
    wait_for_event(port, deadline);
  }
}
