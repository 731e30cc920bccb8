/* xen.h — the parts of Xen's public interface (xen/include/public/ in the Xen
 * tree, 4.17) that a 64-bit PV or PVH guest needs, for x86_64 only. Each structure
 * names the header it mirrors; layouts are the x86_64 ABI's. */
#ifndef CRUST_XEN_H
#define CRUST_XEN_H

/* elfnote.h: the ELF notes that make an image a PV guest. */
#define XEN_ELFNOTE_ENTRY 1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE 3
#define XEN_ELFNOTE_PADDR_OFFSET 4
#define XEN_ELFNOTE_XEN_VERSION 5
#define XEN_ELFNOTE_GUEST_OS 6
#define XEN_ELFNOTE_LOADER 8

/* xen.h: hypercall numbers (each is a 32-byte stub in the hypercall page). */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_fpu_taskswitch 5
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_iret 23 /* x86 PV only: jumped to, never called */
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_mmuext_op 26
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_callback_op 30 /* PV only */
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_hvm_op 34

#ifndef __ASSEMBLER__
#include <stdint.h>

/* arch-x86/xen-x86_64.h: the flat code selector of a 64-bit PV kernel (ring 3). */
#define FLAT_KERNEL_CS 0xe033
/* arch-x86/xen-x86_64.h: where Xen maps the machine-to-physical table, read-only. */
#define MACH2PHYS_VIRT_START 0xFFFF800000000000ull

/* xen.h: MMU_NORMAL_PT_UPDATE in the low bits of mmu_update.ptr; UVMF_INVLPG. */
#define MMU_NORMAL_PT_UPDATE 0
#define UVMF_INVLPG 2
#define DOMID_SELF 0x7FF0u
struct mmu_update {
  uint64_t ptr; /* machine address of the page-table entry */
  uint64_t val;
};

/* xen.h: struct mmuext_op (only commands without arguments are used). */
#define MMUEXT_TLB_FLUSH_LOCAL 6
struct mmuext_op {
  uint32_t cmd;
  uint64_t arg1;
  uint64_t arg2;
};

/* arch-x86/xen.h: one entry of HYPERVISOR_set_trap_table (address 0 ends the list). */
#define TI_MASK_EVENTS 4 /* event delivery is masked while the handler runs */
struct trap_info {
  uint8_t vector;
  uint8_t flags; /* bits 0-1: privilege level that may raise it with INT n */
  uint16_t cs;
  uint64_t address;
};

/* xen.h: struct start_info, at %rsi on entry. */
struct start_info {
  char magic[32];          /* "xen-<version>-<platform>" */
  uint64_t nr_pages;       /* total pages allocated to this domain */
  uint64_t shared_info;    /* MACHINE address of the shared info page */
  uint32_t flags;
  uint64_t store_mfn;      /* xenstore ring page */
  uint32_t store_evtchn;
  struct {
    uint64_t mfn;          /* console ring page */
    uint32_t evtchn;
  } console_domU;
  uint64_t pt_base;        /* VIRTUAL address of the bootstrap page tables' root */
  uint64_t nr_pt_frames;
  uint64_t mfn_list;       /* VIRTUAL address of the P2M table: pfn -> mfn */
  uint64_t mod_start;
  uint64_t mod_len;
  char cmd_line[1024];     /* MAX_GUEST_CMDLINE */
  uint64_t first_p2m_pfn;
  uint64_t nr_p2m_frames;
};

/* xen.h: struct vcpu_time_info — system time = system_time +
 * ((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul >> 32, valid while
 * version is even and unchanged across the read. */
struct vcpu_time_info {
  uint32_t version;
  uint32_t pad0;
  uint64_t tsc_timestamp;
  uint64_t system_time;
  uint32_t tsc_to_system_mul;
  int8_t tsc_shift;
  uint8_t flags;
  uint8_t pad1[2];
};

/* xen.h: struct vcpu_info (64 bytes); arch-x86/xen-x86_64.h: arch_vcpu_info. */
struct vcpu_info {
  uint8_t evtchn_upcall_pending;
  uint8_t evtchn_upcall_mask;
  uint64_t evtchn_pending_sel;
  uint64_t cr2; /* the faulting address of the last page fault */
  uint64_t arch_pad;
  struct vcpu_time_info time;
};

/* xen.h: struct shared_info (the parts before arch_shared_info). Wall clock:
 * Unix time at system time 0 is wc_sec (+ wc_sec_hi << 32) . wc_nsec. */
struct shared_info {
  struct vcpu_info vcpu_info[32]; /* XEN_LEGACY_MAX_VCPUS */
  uint64_t evtchn_pending[64];
  uint64_t evtchn_mask[64];
  uint32_t wc_version;
  uint32_t wc_sec;
  uint32_t wc_nsec;
  uint32_t wc_sec_hi;
};

/* sched.h. SCHEDOP_block: "If called with event upcalls masked, this
 * operation will atomically reenable event delivery and check for pending
 * events before blocking the VCPU. This avoids a 'wakeup waiting' race." */
#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll 3
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_crash 3
struct sched_shutdown {
  uint32_t reason;
};
struct sched_poll {
  uint32_t *ports;
  uint32_t nr_ports;
  uint64_t timeout; /* absolute system time in ns; 0: none */
};

/* event_channel.h */
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_send 4
#define EVTCHNOP_alloc_unbound 6
struct evtchn_send {
  uint32_t port;
};
struct evtchn_bind_virq {
  uint32_t virq; /* xen.h: VIRQ_TIMER */
  uint32_t vcpu;
  uint32_t port; /* out */
};
/* xen.h: the per-vCPU virtual IRQ of its timers (the singleshot timer that
 * set_timer_op arms, and the periodic one). */
#define VIRQ_TIMER 0
/* xen.h, 2-level event channels: 64 words of 64 ports in shared_info's
 * evtchn_pending/evtchn_mask; a vCPU's evtchn_pending_sel has bit w set when
 * word w may hold a newly pending port (EVTCHN_2L_NR_CHANNELS = 4096). */
#define EVTCHN_2L_WORDS 64

/* vcpu.h: VCPUOP_stop_periodic_timer. A PV vCPU starts with a 10 ms periodic
 * timer on VIRQ_TIMER (xen/arch/x86/pv/domain.c); Crust wants none. */
#define VCPUOP_stop_periodic_timer 7

/* callback.h (PV): where Xen enters the guest for an event upcall. */
#define CALLBACKOP_register 0
#define CALLBACKTYPE_event 0
struct callback_register {
  uint16_t type;
  uint16_t flags; /* ignored for the event callback: delivery is always masked */
  uint64_t address; /* arch-x86/xen-x86_64.h: xen_callback_t is an address */
};
struct evtchn_alloc_unbound {
  uint16_t dom, remote_dom; /* DOMID_SELF, the peer */
  uint32_t port;            /* out */
};

/* grant_table.h: version 1 entries; the toolstack owns the first 8 refs. */
#define GNTTABOP_setup_table 2
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GTF_permit_access 1
#define GTF_readonly 4
#define GTF_reading 8
#define GTF_writing 16
struct grant_entry_v1 {
  uint16_t flags;
  uint16_t domid;
  uint32_t frame;
};
struct gnttab_setup_table {
  uint16_t dom;
  uint32_t nr_frames;
  int16_t status; /* out */
  uint64_t *frame_list; /* out: the table's machine frames */
};

/* io/console.h: the PV console ring; the guest produces into out[]. */
struct xencons_interface {
  char in[1024];
  char out[2048];
  uint32_t in_cons, in_prod;
  uint32_t out_cons, out_prod;
};

/* io/xs_wire.h: the xenstore ring and its message header. */
#define XS_WRITE 11
#define XENSTORE_RING_SIZE 1024
struct xsd_sockmsg {
  uint32_t type, req_id, tx_id, len;
};
struct xenstore_domain_interface {
  char req[XENSTORE_RING_SIZE];
  char rsp[XENSTORE_RING_SIZE];
  uint32_t req_cons, req_prod;
  uint32_t rsp_cons, rsp_prod;
};

/* PVH (an HVM container) only. arch-x86/cpuid.h: Xen's CPUID leaves start at
 * the first 0x100-aligned leaf from 0x40000000 whose EBX:ECX:EDX read
 * "XenVMMXenVMM"; leaf base+2 gives, in EBX, the MSR to which the guest
 * writes the physical address of its hypercall page. */
#define XEN_CPUID_FIRST_LEAF 0x40000000u
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558u /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4du /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566eu /* "nVMM" */
/* hvm/hvm_op.h, hvm/params.h: the toolstack's rings, as HVM params. */
#define HVMOP_set_param 0
#define HVMOP_get_param 1
/* hvm/params.h: HVM_PARAM_CALLBACK_IRQ says how vCPU 0's event upcall is
 * delivered; type HVM_PARAM_CALLBACK_TYPE_VECTOR (val[63:56]) injects
 * val[7:0] as a plain IDT vector whenever vcpu_info.evtchn_upcall_pending is
 * set and RFLAGS.IF allows, without the local APIC (no EOI). */
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2ull
#define HVM_PARAM_CALLBACK_TYPE_SHIFT 56
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
struct xen_hvm_param {
  uint16_t domid; /* DOMID_SELF */
  uint32_t index;
  uint64_t value; /* out */
};
/* memory.h: XENMEM_add_to_physmap puts a Xen-owned page (shared info, a
 * grant-table frame) at a guest frame of the caller's choice. */
#define XENMEM_add_to_physmap 7
#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
struct xen_add_to_physmap {
  uint16_t domid;
  uint16_t size; /* gmfn_range only */
  uint32_t space;
  uint64_t idx;
  uint64_t gpfn;
};

_Static_assert(sizeof(struct callback_register) == 16, "callback_register layout");
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "evtchn_bind_virq layout");
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param layout");
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap layout");
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info is 64 bytes");
_Static_assert(__builtin_offsetof(struct shared_info, wc_version) == 3072, "shared_info layout");
_Static_assert(__builtin_offsetof(struct start_info, pt_base) == 88, "start_info layout");
_Static_assert(__builtin_offsetof(struct start_info, cmd_line) == 128, "start_info layout");
_Static_assert(__builtin_offsetof(struct xencons_interface, out_prod) == 3084, "console ring layout");
#endif
#endif
