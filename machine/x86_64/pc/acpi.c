/* acpi.c — just enough ACPI to power off when no isa-debug-exit device exists.
 * ACPI 6.4: §5.2.5 RSDP, §5.2.7/8 RSDT/XSDT, §5.2.9 FADT, §7.4.2 \_S5 package,
 * §4.8.3.2.1 PM1 control (SLP_TYP, SLP_EN), §4.8.3.7 sleep control register of
 * hardware-reduced platforms (QEMU microvm). The tables are read at boot,
 * before the wasm linear memory can grow over them, and only plain table
 * bytes are trusted after bounds checks; no AML is interpreted beyond the
 * \_S5 package's first element. */
#include "machine.h"

#define BOOT_MAPPED_LIMIT (1ull << 30) /* pvh.S maps the first GiB */
#define FADT_DSDT 40
#define FADT_PM1A_CNT 64
#define FADT_FLAGS 112
#define FADT_X_DSDT 140
#define FADT_SLEEP_CONTROL 244
#define FADT_HW_REDUCED (1u << 20)
#define PM1_SLP_EN (1u << 13)
#define SLEEP_CTL_SLP_EN (1u << 5)
#define AML_NAME_OP 0x08
#define AML_PACKAGE_OP 0x12
#define AML_BYTE_PREFIX 0x0a

static struct {
  bool ready, hw_reduced, sleep_ctl_is_io;
  uint16_t pm1a_cnt;
  uint64_t sleep_ctl;
  uint8_t slp_typ;
} s5;

static bool readable(uint64_t a, uint64_t len) { return a >= 4096 && a + len <= BOOT_MAPPED_LIMIT; }
static uint32_t rd32(uint64_t a) { return *(const uint32_t *)a; }
static uint64_t rd64(uint64_t a) { return *(const uint64_t *)a; }

static uint64_t find_rsdp(uint64_t hint) {
  if (hint && readable(hint, 36)) return hint;
  for (uint64_t a = 0xe0000; a < 0x100000; a += 16)
    if (strncmp((const char *)a, "RSD PTR ", 8) == 0) return a;
  return 0;
}

static uint64_t find_table(uint64_t rsdp, const char *sig) {
  bool x = *(const uint8_t *)(rsdp + 15) >= 2 && rd64(rsdp + 24);
  uint64_t sdt = x ? rd64(rsdp + 24) : rd32(rsdp + 16);
  if (!readable(sdt, 36)) return 0;
  uint32_t len = rd32(sdt + 4), width = x ? 8 : 4;
  if (!readable(sdt, len)) return 0;
  for (uint64_t e = sdt + 36; e + width <= sdt + len; e += width) {
    uint64_t t = x ? rd64(e) : rd32(e);
    if (readable(t, 36) && strncmp((const char *)t, sig, 4) == 0) return t;
  }
  return 0;
}

/* SLP_TYPa: the first element of the \_S5 package in the DSDT. */
static bool find_s5(uint64_t dsdt, uint8_t *typ) {
  if (!readable(dsdt, 36)) return false;
  uint32_t len = rd32(dsdt + 4);
  if (!readable(dsdt, len)) return false;
  const uint8_t *p = (const uint8_t *)dsdt, *end = p + len;
  for (const uint8_t *q = p + 36; q + 12 < end; q++) {
    if (q[0] != AML_NAME_OP || strncmp((const char *)q + 1, "_S5_", 4) || q[5] != AML_PACKAGE_OP) continue;
    const uint8_t *e = q + 6;
    e += 1 + (e[0] >> 6); /* PkgLength: extra bytes in bits 6-7 */
    e += 1;               /* NumElements */
    *typ = e[0] == AML_BYTE_PREFIX ? e[1] : e[0];
    return true;
  }
  return false;
}

void acpi_init(uint64_t rsdp_hint) {
  uint64_t rsdp = find_rsdp(rsdp_hint);
  uint64_t fadt = rsdp ? find_table(rsdp, "FACP") : 0;
  if (!fadt || !readable(fadt, FADT_SLEEP_CONTROL + 12)) return;
  uint32_t fadt_len = rd32(fadt + 4);
  uint64_t dsdt = fadt_len >= FADT_X_DSDT + 8 && rd64(fadt + FADT_X_DSDT) ? rd64(fadt + FADT_X_DSDT)
                                                                           : rd32(fadt + FADT_DSDT);
  if (!find_s5(dsdt, &s5.slp_typ)) return;
  s5.pm1a_cnt = (uint16_t)rd32(fadt + FADT_PM1A_CNT);
  s5.hw_reduced = fadt_len >= FADT_SLEEP_CONTROL + 12 && (rd32(fadt + FADT_FLAGS) & FADT_HW_REDUCED);
  s5.sleep_ctl_is_io = *(const uint8_t *)(fadt + FADT_SLEEP_CONTROL) == 1;
  s5.sleep_ctl = rd64(fadt + FADT_SLEEP_CONTROL + 4);
  s5.ready = true;
}

void acpi_power_off(void) {
  if (!s5.ready) return;
  if (s5.hw_reduced && s5.sleep_ctl) {
    uint8_t v = (uint8_t)(((s5.slp_typ & 7) << 2) | SLEEP_CTL_SLP_EN);
    if (s5.sleep_ctl_is_io) outb((uint16_t)s5.sleep_ctl, v);
    else *(volatile uint8_t *)s5.sleep_ctl = v;
  } else if (s5.pm1a_cnt) {
    outw(s5.pm1a_cnt, (uint16_t)(((s5.slp_typ & 7) << 10) | PM1_SLP_EN));
  }
}
