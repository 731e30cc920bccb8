/* irq.c — the local APIC (timer, end-of-interrupt) and the I/O APIC (device
 * lines). Intel SDM vol. 3 §11 (local APIC registers), Intel 82093AA I/O APIC
 * data sheet §3.2 (IOREGSEL/IOWIN, redirection table).
 *
 * The CPU runs with interrupts disabled except inside wait(): an interrupt
 * only ends the halt. A line that fires is recorded as pending; the kernel's
 * driver takes the pending set, services the device and unmasks the line.
 * Level-triggered lines (PCI INTx) are masked until then, or they would fire
 * again at once; edge-triggered lines are never masked, since an edge that
 * arrives on a masked line is lost. */
#include "machine.h"
#include "trap.h"

#define MSR_APIC_BASE 0x1b
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define SVR_ENABLE 0x100
#define LVT_MASKED (1u << 16)
#define TIMER_DIVIDE_BY_16 0x3

#define IOAPIC_BASE 0xfec00000ull
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))
#define REDTBL_LEVEL (1u << 15)
#define REDTBL_ACTIVE_LOW (1u << 13)
#define REDTBL_MASKED (1u << 16)

#define TIMER_VECTOR 32
#define GSI_VECTOR_BASE 48 /* GSI n arrives on vector 48 + n */
#define GSI_COUNT 24
#define SPURIOUS_VECTOR 0xff

static uint64_t lapic_base;
static volatile uint64_t pending_gsis;

static uint32_t lapic_read(uint32_t reg) { return mmio_read32(lapic_base + reg); }
static void lapic_write(uint32_t reg, uint32_t v) { mmio_write32(lapic_base + reg, v); }

static void ioapic_write(uint32_t reg, uint32_t v) {
  mmio_write32(IOAPIC_BASE, reg);
  mmio_write32(IOAPIC_BASE + 0x10, v);
}

void irq_init(void) {
  /* Mask the legacy 8259 PICs: all lines go through the APICs. */
  outb(0x21, 0xff);
  outb(0xa1, 0xff);
  lapic_base = rdmsr(MSR_APIC_BASE) & ~0xfffull;
  lapic_write(LAPIC_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
  lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
  lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
}

void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

/* One-shot timer; 0 stops it. Its tick rate is measured by time.c. */
void lapic_timer_oneshot(uint32_t ticks) {
  lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR | (ticks ? 0 : LVT_MASKED));
  lapic_write(LAPIC_TIMER_INIT, ticks);
}

uint32_t lapic_timer_current(void) { return lapic_read(LAPIC_TIMER_CURRENT); }

static uint32_t redtbl_lo[GSI_COUNT]; /* each routed line's entry, unmasked */

static void ioapic_set_mask(unsigned gsi, bool masked) {
  ioapic_write(IOAPIC_REDTBL(gsi), redtbl_lo[gsi] | (masked ? REDTBL_MASKED : 0));
}

void irq_route(unsigned gsi, bool level, bool active_low) {
  if (gsi >= GSI_COUNT) return;
  redtbl_lo[gsi] = (GSI_VECTOR_BASE + gsi) | (level ? REDTBL_LEVEL : 0) | (active_low ? REDTBL_ACTIVE_LOW : 0);
  ioapic_write(IOAPIC_REDTBL(gsi) + 1, 0); /* destination: APIC 0 */
  ioapic_set_mask(gsi, false);
}

void irq_unmask(unsigned gsi) {
  if (gsi < GSI_COUNT && redtbl_lo[gsi]) ioapic_set_mask(gsi, false);
}

uint64_t irq_take_pending(void) {
  uint64_t p = pending_gsis;
  pending_gsis = 0;
  return p;
}

void irq_handle(unsigned vector) {
  if (vector == SPURIOUS_VECTOR) return; /* SDM §11.9: no EOI for spurious */
  if (vector >= GSI_VECTOR_BASE && vector < GSI_VECTOR_BASE + GSI_COUNT) {
    unsigned gsi = vector - GSI_VECTOR_BASE;
    /* Only a level-triggered line would fire again at once. An edge that
     * comes while its line is masked is lost (82093AA §3.2.4), and with it
     * the device's news: microvm's virtio-mmio lines stay unmasked. */
    if (redtbl_lo[gsi] & REDTBL_LEVEL) ioapic_set_mask(gsi, true);
    pending_gsis |= 1ull << gsi;
  }
  lapic_eoi();
}
