/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vmi ROM: code a hypervisor publishes for the paravirt layer, in an
 * x86 option ROM. This header is the one definition of the format, shared
 * by the kernel's backend, the ROM builder and the host tests.
 *
 * Layout (all fields little-endian, offsets from the start of the ROM):
 *
 *   0x00  u8[2]   0x55 0xaa                 option ROM signature
 *   0x02  u8      size in 512-byte blocks   (the whole ROM)
 *   0x03  u8[3]   init entry for the firmware (e.g. "retf")
 *   0x20  struct vmi_rom_header
 *   ...   call table: count entries of VMI_ENTRY_SIZE bytes, entry n
 *         implementing operation n (enum vmi_op)
 *   ...   descriptors: count struct vmi_desc, one per entry
 *
 * The bytes of the ROM sum to 0 modulo 256. Every offset and length in the
 * header and descriptors stays inside the ROM.
 */
#ifndef _PV_VMI_ROM_H
#define _PV_VMI_ROM_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
/* Host builds: u8, u16, u32 and __packed come from tests/host/host.h. */
#include <stddef.h>
#endif

#define VMI_ROM_BLOCK		512
#define VMI_ROM_MAX_SIZE	(255 * VMI_ROM_BLOCK)
#define VMI_HEADER_OFFSET	0x20
#define VMI_SIGNATURE		"PVLAYVMI"
#define VMI_ABI_MAJOR		1
#define VMI_ABI_MINOR		1
#define VMI_ENTRY_SIZE		32
/* The longest x86 instruction. */
#define VMI_MAX_INSN		15
/* Longest inline form: the length of a call site. */
#define VMI_INLINE_MAX		6

/**
 * struct vmi_rom_header - the header at VMI_HEADER_OFFSET
 * @signature:	VMI_SIGNATURE, not NUL-terminated
 * @abi_major:	VMI_ABI_MAJOR; a ROM of another major is refused
 * @abi_minor:	any; minors only add operations
 * @header_size: sizeof(struct vmi_rom_header) or more
 * @table_offset: offset of the call table, a multiple of VMI_ENTRY_SIZE
 * @count:	number of entries (and descriptors); at most VMI_OP_COUNT
 *		are used, further ones are ignored
 * @desc_offset: offset of the descriptors, a multiple of 4
 * @reserved:	zero
 */
struct vmi_rom_header {
	char signature[8];
	u16 abi_major;
	u16 abi_minor;
	u32 header_size;
	u32 table_offset;
	u32 count;
	u32 desc_offset;
	u32 reserved;
} __packed;

/* Kinds of entry. */
#define VMI_KIND_ABSENT		0	/* the kernel keeps native */
#define VMI_KIND_CALL		1	/* call the entry */
#define VMI_KIND_INLINE		2	/* call it, or copy its first bytes */

/**
 * struct vmi_desc - what one entry of the call table is
 * @kind:	VMI_KIND_*
 * @inline_len:	for VMI_KIND_INLINE, 1..VMI_INLINE_MAX bytes at the start
 *		of the entry that do the operation without the return;
 *		zero otherwise
 * @clobbers:	registers the entry changes (PV_CLOBBER_* bits of the
 *		layer: rax 0x1, rcx 0x2, rdx 0x4, rsi 0x8, rdi 0x10,
 *		r8 0x20, r9 0x40, r10 0x80, r11 0x100); an operation of the
 *		callee-save convention may change only %rax
 * @reserved:	zero
 */
struct vmi_desc {
	u8 kind;
	u8 inline_len;
	u16 clobbers;
	u32 reserved;
} __packed;

/*
 * Operation numbers: stable, part of the ABI. New operations are only ever
 * added at the end (with a new minor version). The comment names the
 * pv_ops member each stands for; (cs) marks the callee-save convention,
 * where the entry may change only %rax.
 */
enum vmi_op {
	VMI_OP_SAVE_FL = 0,		/* irq.save_fl (cs) */
	VMI_OP_IRQ_DISABLE = 1,		/* irq.irq_disable (cs) */
	VMI_OP_IRQ_ENABLE = 2,		/* irq.irq_enable (cs) */
	VMI_OP_SAFE_HALT = 3,		/* irq.safe_halt */
	VMI_OP_HALT = 4,		/* irq.halt */
	VMI_OP_READ_CR0 = 5,		/* cpu.read_cr0 */
	VMI_OP_WRITE_CR0 = 6,		/* cpu.write_cr0 */
	VMI_OP_READ_CR2 = 7,		/* mmu.read_cr2 (cs) */
	VMI_OP_WRITE_CR2 = 8,		/* mmu.write_cr2 */
	VMI_OP_READ_CR3 = 9,		/* mmu.read_cr3 */
	VMI_OP_WRITE_CR3 = 10,		/* mmu.write_cr3 */
	VMI_OP_WRITE_CR4 = 11,		/* cpu.write_cr4 */
	VMI_OP_WBINVD = 12,		/* cpu.wbinvd */
	VMI_OP_READ_MSR = 13,		/* cpu.read_msr */
	VMI_OP_WRITE_MSR = 14,		/* cpu.write_msr */
	VMI_OP_CPUID = 15,		/* cpu.cpuid (pointers) */
	VMI_OP_IO_DELAY = 16,		/* cpu.io_delay */
	VMI_OP_FLUSH_TLB_USER = 17,	/* mmu.flush_tlb_user */
	VMI_OP_FLUSH_TLB_ONE_USER = 18,	/* mmu.flush_tlb_one_user */
	VMI_OP_PTE_VAL = 19,		/* mmu.pte_val (cs) */
	VMI_OP_MAKE_PTE = 20,		/* mmu.make_pte (cs) */
	VMI_OP_PMD_VAL = 21,		/* mmu.pmd_val (cs) */
	VMI_OP_MAKE_PMD = 22,		/* mmu.make_pmd (cs) */
	VMI_OP_PUD_VAL = 23,		/* mmu.pud_val (cs) */
	VMI_OP_MAKE_PUD = 24,		/* mmu.make_pud (cs) */
	VMI_OP_P4D_VAL = 25,		/* mmu.p4d_val (cs) */
	VMI_OP_MAKE_P4D = 26,		/* mmu.make_p4d (cs) */
	VMI_OP_PGD_VAL = 27,		/* mmu.pgd_val (cs) */
	VMI_OP_MAKE_PGD = 28,		/* mmu.make_pgd (cs) */
	VMI_OP_SET_PTE = 29,		/* mmu.set_pte */
	VMI_OP_SET_PMD = 30,		/* mmu.set_pmd */
	VMI_OP_SET_PUD = 31,		/* mmu.set_pud */
	VMI_OP_SET_P4D = 32,		/* mmu.set_p4d */
	/*
	 * ABI 1.1: the local APIC, through its x2APIC interface (the
	 * registers as MSRs): the kernel uses these entries only while its
	 * APIC driver runs the local APIC in x2APIC mode, and keeps its
	 * driver otherwise. x2APIC has no busy bit in the ICR, so there is
	 * no entry for wait_icr_idle.
	 */
	VMI_OP_APIC_READ = 33,		/* apic.read */
	VMI_OP_APIC_WRITE = 34,		/* apic.write */
	VMI_OP_APIC_EOI = 35,		/* apic.eoi */
	VMI_OP_APIC_ICR_READ = 36,	/* apic.icr_read */
	VMI_OP_APIC_ICR_WRITE = 37,	/* apic.icr_write */
	VMI_OP_COUNT
};

#define VMI_BIT(op)		(1ULL << (op))

/* Operations of the callee-save convention. */
#define VMI_CALLEE_SAVE_OPS						\
	(VMI_BIT(VMI_OP_SAVE_FL) | VMI_BIT(VMI_OP_IRQ_DISABLE) |	\
	 VMI_BIT(VMI_OP_IRQ_ENABLE) | VMI_BIT(VMI_OP_READ_CR2) |	\
	 VMI_BIT(VMI_OP_PTE_VAL) | VMI_BIT(VMI_OP_MAKE_PTE) |		\
	 VMI_BIT(VMI_OP_PMD_VAL) | VMI_BIT(VMI_OP_MAKE_PMD) |		\
	 VMI_BIT(VMI_OP_PUD_VAL) | VMI_BIT(VMI_OP_MAKE_PUD) |		\
	 VMI_BIT(VMI_OP_P4D_VAL) | VMI_BIT(VMI_OP_MAKE_P4D) |		\
	 VMI_BIT(VMI_OP_PGD_VAL) | VMI_BIT(VMI_OP_MAKE_PGD))

/* Entries a ROM must provide: the interrupt flag goes together. */
#define VMI_REQUIRED_OPS						\
	(VMI_BIT(VMI_OP_SAVE_FL) | VMI_BIT(VMI_OP_IRQ_DISABLE) |	\
	 VMI_BIT(VMI_OP_IRQ_ENABLE))

/* Why a ROM was refused; vmi_rom_error_name() names each. */
enum vmi_rom_error {
	VMI_OK,
	VMI_ERR_TRUNCATED,
	VMI_ERR_OPTION_ROM,
	VMI_ERR_CHECKSUM,
	VMI_ERR_SIGNATURE,
	VMI_ERR_ABI_MAJOR,
	VMI_ERR_HEADER,
	VMI_ERR_TABLE_BOUNDS,
	VMI_ERR_DESC_BOUNDS,
	VMI_ERR_KIND,
	VMI_ERR_INLINE_LEN,
	VMI_ERR_CLOBBERS,
	VMI_ERR_RESERVED,
	VMI_ERR_REQUIRED,
	/* the code of an entry (vmi_rom_check_code()) */
	VMI_ERR_UNDECODABLE,
	VMI_ERR_INSN,
	VMI_ERR_INDIRECT,
	VMI_ERR_FAR,
	VMI_ERR_IRQ_FLAG,
	VMI_ERR_BRANCH_OUT,
	VMI_ERR_BRANCH_INTO,
	VMI_ERR_NO_RET,
	VMI_ERR_RIP_REL,
	VMI_ERR_INLINE_CODE,
	VMI_ERR_COUNT
};

/**
 * struct vmi_rom_info - a validated ROM
 * @size:	bytes of the ROM
 * @abi_minor:	its minor version
 * @table:	offset of the call table
 * @count:	entries used: min(header count, VMI_OP_COUNT)
 * @desc:	the descriptors, copied out
 * @bad_entry:	the entry that made the ROM invalid, or -1
 * @bad_offset:	for a defect of the code, the offset in @bad_entry of the
 *		instruction refused
 * @bad_insn_len: and its length (1 if it could not be decoded)
 * @bad_insn:	and its bytes
 */
struct vmi_rom_info {
	u32 size;
	u16 abi_minor;
	u32 table;
	u32 count;
	struct vmi_desc desc[VMI_OP_COUNT];
	int bad_entry;
	u32 bad_offset;
	u8 bad_insn_len;
	u8 bad_insn[VMI_MAX_INSN];
};

enum vmi_rom_error vmi_rom_validate(const u8 *rom, size_t avail,
				    struct vmi_rom_info *info);
enum vmi_rom_error vmi_rom_check_code(const u8 *rom, u32 size,
				      struct vmi_rom_info *info);
const char *vmi_rom_error_name(enum vmi_rom_error err);
bool vmi_rom_error_in_code(enum vmi_rom_error err);

/*
 * Operations the ROM ABI gives the C convention but whose kernel sites are
 * callee-save: the kernel reaches an entry of these that declares clobbers
 * other than %rax through a wrapper (vmi_build_wrapper()). That of
 * write_msr always: the ABI takes the value in two halves, the sites pass
 * it whole.
 */
#define VMI_WRAPPED_OPS							\
	(VMI_BIT(VMI_OP_READ_MSR) | VMI_BIT(VMI_OP_WRITE_MSR) |	\
	 VMI_BIT(VMI_OP_SET_PTE) | VMI_BIT(VMI_OP_SET_PMD) |		\
	 VMI_BIT(VMI_OP_SET_PUD))

/*
 * The kernel's room for the rebuilt code: enough for any valid ROM (each
 * entry at most 32 bytes of one-byte rets and two-byte branches, five
 * and six bytes each once rebuilt, inside the largest wrapper, aligned
 * and padded), which the fuzzer checks.
 */
#define VMI_BUILD_SIZE		12288
/* And for the rets in it, each a site of the kernel's return thunk. */
#define VMI_BUILD_RETS		(VMI_OP_COUNT * VMI_ENTRY_SIZE)

/* How a wrapper adapts an entry to the kernel's sites. */
enum vmi_wrap_kind {
	VMI_WRAP_NONE,		/* none: the entry as it is */
	VMI_WRAP_CLOBBERS,	/* keeps the registers it declares */
	VMI_WRAP_SPLIT,		/* and passes %rsi as %esi and %edx */
	VMI_WRAP_CPUID,		/* the instruction's registers as pointers */
};

/**
 * struct vmi_build - where and how the entries are rebuilt
 * @buf:	the code goes here
 * @size:	room at @buf
 * @len:	bytes written so far; each piece starts after the last
 * @at:		the address @buf runs at
 * @table_at:	the address of the kernel's copy of the ROM's call table,
 *		where RIP-relative operands are moved to
 * @ret_thunk:	each ret becomes ``jmp @ret_thunk`` (for the kernel to
 *		rewrite as its mitigations want); 0: ``ret; int3 x4``
 * @endbr:	start each piece with endbr64 (indirect branch tracking)
 * @pad:	bytes of NOP before each piece, for call-depth accounting
 * @align:	each piece starts at a multiple of it (0 or 1: anywhere)
 * @rets:	if not NULL, receives the offset in @buf of each ret written
 * @max_rets:	room at @rets
 * @nr_rets:	offsets written to @rets
 */
struct vmi_build {
	u8 *buf;
	u32 size;
	u32 len;
	u64 at;
	u64 table_at;
	u64 ret_thunk;
	bool endbr;
	u32 pad;
	u32 align;
	u32 *rets;
	u32 max_rets;
	u32 nr_rets;
};

int vmi_build_entry(struct vmi_build *b, const u8 *rom,
		    const struct vmi_rom_info *info, unsigned int op,
		    u32 *inline_at);
int vmi_build_wrapper(struct vmi_build *b, const u8 *rom,
		      const struct vmi_rom_info *info, unsigned int op,
		      enum vmi_wrap_kind kind);
enum vmi_wrap_kind vmi_wrap_kind_of(const struct vmi_rom_info *info,
				    unsigned int op);
int vmi_build_all(struct vmi_build *b, const u8 *rom,
		  const struct vmi_rom_info *info, int start[VMI_OP_COUNT],
		  u32 inline_at[VMI_OP_COUNT]);

#endif /* _PV_VMI_ROM_H */
