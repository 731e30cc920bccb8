/* time.c — clocks and the only place the CPU sleeps.
 *  - Monotonic clock: the TSC, counted from the first instruction of boot and
 *    scaled by its rate, which is measured once against the PIT (Intel 8254
 *    data sheet: channel 0, mode 2, read back with the counter latch command).
 *  - Wall clock: the CMOS RTC read once at boot (MC146818 data sheet, registers
 *    0x00-0x09, status A/B), advanced by the monotonic clock.
 *  - wait(deadline): arm the local APIC one-shot timer, whose rate is measured
 *    in the same PIT window, and halt until it or a device interrupts. */
#include "machine.h"

#define PIT_HZ 1193182
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CH0_LATCH 0x00          /* counter latch command, channel 0 */
#define PIT_CH0_RATE_GENERATOR 0x34 /* channel 0, lo/hi byte, mode 2 */
#define CALIBRATION_US 2000
#define NSEC 1000000000ull

static uint64_t tsc_hz, lapic_hz;
static uint64_t ns_per_tsc_q32;    /* nanoseconds per TSC tick, 32.32 fixed point */
static uint64_t lapic_per_ns_q32;  /* LAPIC timer ticks per nanosecond, 32.32 */
static int64_t wall_at_entry_ns;

static uint16_t pit_count(void) {
  outb(PIT_CMD, PIT_CH0_LATCH);
  uint8_t lo = inb(PIT_CH0);
  return (uint16_t)(lo | inb(PIT_CH0) << 8);
}

/* One PIT window measures both the TSC and the LAPIC timer. Channel 0 is
 * read directly (latch command) rather than through channel 2's gate on port
 * 0x61, which micro-VMs without a PC speaker do not have. Returns false when
 * no PIT counts, so boot can fall back. */
static bool calibrate(void) {
  const uint32_t window = (uint32_t)((uint64_t)PIT_HZ * CALIBRATION_US / 1000000);
  outb(PIT_CMD, PIT_CH0_RATE_GENERATOR);
  outb(PIT_CH0, 0xff); /* reload value 0xffff: one period is ~55 ms */
  outb(PIT_CH0, 0xff);
  lapic_timer_oneshot(0xffffffff);
  uint16_t c0 = pit_count();
  uint64_t t0 = rdtsc();
  uint32_t l0 = lapic_timer_current();
  uint64_t limit = t0 + 4000000000ull; /* ~1 s at 4 GHz: never hang on a dead PIT */
  uint32_t elapsed = 0;
  uint64_t t1;
  do {
    elapsed = (uint16_t)(c0 - pit_count()); /* it counts down */
    t1 = rdtsc();
  } while (elapsed < window && t1 < limit);
  uint32_t l1 = lapic_timer_current();
  lapic_timer_oneshot(0);
  if (elapsed < window) return false;
  tsc_hz = (t1 - t0) * PIT_HZ / elapsed;
  lapic_hz = (uint64_t)(l0 - l1) * PIT_HZ / elapsed;
  return lapic_hz > 0;
}

/* CPUID leaf 0x15 (SDM vol. 2, CPUID): TSC rate = crystal * ebx / eax. */
static uint64_t tsc_hz_from_cpuid(void) {
  uint32_t r[4];
  cpuid(0, 0, r);
  if (r[0] < 0x15) return 0;
  cpuid(0x15, 0, r);
  return (r[0] && r[1] && r[2]) ? (uint64_t)r[2] * r[1] / r[0] : 0;
}

static uint8_t cmos(uint8_t reg) {
  outb(0x70, reg);
  return inb(0x71);
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  /* Proleptic Gregorian day count relative to 1970-01-01. */
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int64_t rtc_unix_seconds(void) {
  for (int i = 0; i < 100000 && (cmos(0x0a) & 0x80); i++) {
  } /* update in progress */
  uint8_t sec = cmos(0x00), min = cmos(0x02), hour = cmos(0x04);
  uint8_t day = cmos(0x07), mon = cmos(0x08), year = cmos(0x09), cent = cmos(0x32);
  uint8_t status_b = cmos(0x0b);
  bool pm = hour & 0x80;
  hour &= 0x7f;
  if (!(status_b & 0x04)) { /* BCD */
#define BCD(x) (uint8_t)(((x) >> 4) * 10 + ((x) & 0x0f))
    sec = BCD(sec), min = BCD(min), hour = BCD(hour);
    day = BCD(day), mon = BCD(mon), year = BCD(year), cent = BCD(cent);
#undef BCD
  }
  if (!(status_b & 0x02)) hour = (uint8_t)(hour % 12 + (pm ? 12 : 0)); /* 12-hour mode */
  if (mon < 1 || mon > 12 || day < 1 || day > 31) return 0;             /* no RTC */
  int64_t y = (cent >= 19 && cent <= 30 ? cent : 20) * 100 + year;
  return days_from_civil(y, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
}

void time_init(void) {
  if (!calibrate()) {
    tsc_hz = tsc_hz_from_cpuid();
    if (!tsc_hz) tsc_hz = 1000000000; /* last resort; said aloud below */
    lapic_hz = 1000000000 / 16;      /* QEMU's APIC bus: 1 GHz, divided by 16 */
    kprintf("crust: no PIT to calibrate against; assuming TSC at %lu Hz\n", tsc_hz);
  }
  ns_per_tsc_q32 = (NSEC << 32) / tsc_hz;
  lapic_per_ns_q32 = (lapic_hz << 32) / NSEC;
  wall_at_entry_ns = rtc_unix_seconds() * (int64_t)NSEC - (int64_t)monotonic_ns();
}

uint64_t monotonic_ns(void) {
  return (uint64_t)(((unsigned __int128)(rdtsc() - tsc_at_entry) * ns_per_tsc_q32) >> 32);
}

int64_t wall_ns(void) { return wall_at_entry_ns + (int64_t)monotonic_ns(); }

uint64_t tsc_rate_hz(void) { return tsc_hz; }

void wait_until(uint64_t deadline_ns) {
  uint64_t now = monotonic_ns();
  if (deadline_ns <= now) return;
  uint64_t ticks = (uint64_t)(((unsigned __int128)(deadline_ns - now) * lapic_per_ns_q32) >> 32);
  if (ticks == 0) ticks = 1;
  if (ticks > 0xffffffffull) ticks = 0xffffffffull; /* the loop asks again */
  if (deadline_ns != UINT64_MAX) lapic_timer_oneshot((uint32_t)ticks);
  /* sti takes effect after the next instruction, so no interrupt can slip in
   * between the check above and the halt (SDM vol. 2, STI). */
  /* The clobbers keep no SSE value live across the halt: the interrupt entry
   * saves general registers only. */
  __asm__ volatile("sti; hlt; cli" ::: "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
                   "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
  lapic_timer_oneshot(0);
}
