// SPDX-License-Identifier: GPL-2.0
/*
 * The vmi backend: operations published by the hypervisor as code in an
 * option ROM (format in vmi_rom.h).
 *
 * The probe scans the option-ROM area for a ROM with the vmi signature,
 * validates all of it (vmi_rom_validate(), every instruction of every
 * entry included) before using any of it, and rebuilds its entries into
 * vmi_code, a reserved stretch of kernel text (vmi_build_all()): writable
 * only while the kernel's text is (early boot), read-only and executable
 * once the kernel write-protects its text. The rebuilt code starts with
 * endbr64 where the kernel has IBT, has room for call-depth accounting
 * before it, and returns through the kernel's return thunk (vmi_finalize()).
 * pv_ops then points at it for the operations the ROM provides; the others
 * stay native. Entries the ROM marks inlinable become templates, so the
 * patch pass copies their bytes into the sites.
 *
 * Any defect of the ROM: one message naming it, and native takes over.
 */

#define pr_fmt(fmt) "paravirt: vmi: " fmt

#include <linux/cpufeature.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/objtool.h>
#include <linux/pgtable.h>
#include <linux/string.h>
#include <linux/sync_core.h>
#include <asm/alternative.h>
#include <asm/apic.h>
#include <asm/nospec-branch.h>
#include <asm/paravirt.h>
#include <asm/paravirt_backend.h>
#include <asm/text-patching.h>

#include "messages.h"
#include "vmi.h"

#define VMI_SCAN_START	0xc0000
#define VMI_SCAN_END	0xe0000
#define VMI_SCAN_STEP	2048
/*
 * Room for the code rebuilt from the ROM's entries, in kernel text. Filled
 * with int3 until a ROM is rebuilt into it. The kernel takes its address
 * as data: tell objtool that no indirect branch lands there (each piece
 * of code starts with its own endbr64 where the kernel has IBT).
 */
asm(".pushsection .text, \"ax\"\n"
	".balign 64\n"
	".globl vmi_code\n"
	"vmi_code:\n\t"
	ANNOTATE_NOENDBR
	".fill " __stringify(VMI_BUILD_SIZE) ", 1, 0xcc\n"
	".globl vmi_code_end\n"
	"vmi_code_end:\n\t"
	ANNOTATE_NOENDBR
	"int3\n"
	".popsection");

static struct paravirt_ops vmi_ops;
static struct pv_template vmi_templates[VMI_OP_COUNT];
struct vmi_rom_info vmi_rom __ro_after_init;
unsigned long vmi_rom_phys __ro_after_init;

/* The ROM's call table as it was, where RIP-relative operands point. */
u8 vmi_table[VMI_OP_COUNT * VMI_ENTRY_SIZE] __ro_after_init __aligned(64);

/* Where each operation's code starts in vmi_code, or -1. */
int vmi_start[VMI_OP_COUNT] __ro_after_init;

/* Where the inline bytes of each inline entry are, or 0. */
static u32 vmi_inline_at[VMI_OP_COUNT] __initdata;

/* Every ret of the rebuilt code, for apply_returns() (vmi_finalize()). */
static u32 vmi_rets[VMI_BUILD_RETS] __initdata;
static s32 vmi_ret_sites[VMI_BUILD_RETS] __initdata;
static unsigned int vmi_nr_rets __initdata;

/* The pv_ops member of each operation, as a byte offset. */
#define SLOT(member)	offsetof(struct paravirt_ops, member)
static const unsigned short vmi_slot_offset[VMI_OP_COUNT] = {
	[VMI_OP_SAVE_FL]		= SLOT(irq.save_fl.func),
	[VMI_OP_IRQ_DISABLE]		= SLOT(irq.irq_disable.func),
	[VMI_OP_IRQ_ENABLE]		= SLOT(irq.irq_enable.func),
	[VMI_OP_SAFE_HALT]		= SLOT(irq.safe_halt),
	[VMI_OP_HALT]			= SLOT(irq.halt),
	[VMI_OP_READ_CR0]		= SLOT(cpu.read_cr0),
	[VMI_OP_WRITE_CR0]		= SLOT(cpu.write_cr0),
	[VMI_OP_READ_CR2]		= SLOT(mmu.read_cr2.func),
	[VMI_OP_WRITE_CR2]		= SLOT(mmu.write_cr2),
	[VMI_OP_READ_CR3]		= SLOT(mmu.read_cr3),
	[VMI_OP_WRITE_CR3]		= SLOT(mmu.write_cr3),
	[VMI_OP_WRITE_CR4]		= SLOT(cpu.write_cr4),
	[VMI_OP_WBINVD]			= SLOT(cpu.wbinvd),
	[VMI_OP_READ_MSR]		= SLOT(cpu.read_msr.func),
	[VMI_OP_WRITE_MSR]		= SLOT(cpu.write_msr.func),
	[VMI_OP_CPUID]			= SLOT(cpu.cpuid.func),
	[VMI_OP_IO_DELAY]		= SLOT(cpu.io_delay),
	[VMI_OP_FLUSH_TLB_USER]		= SLOT(mmu.flush_tlb_user),
	[VMI_OP_FLUSH_TLB_ONE_USER]	= SLOT(mmu.flush_tlb_one_user),
	[VMI_OP_PTE_VAL]		= SLOT(mmu.pte_val.func),
	[VMI_OP_MAKE_PTE]		= SLOT(mmu.make_pte.func),
	[VMI_OP_PMD_VAL]		= SLOT(mmu.pmd_val.func),
	[VMI_OP_MAKE_PMD]		= SLOT(mmu.make_pmd.func),
	[VMI_OP_PUD_VAL]		= SLOT(mmu.pud_val.func),
	[VMI_OP_MAKE_PUD]		= SLOT(mmu.make_pud.func),
	[VMI_OP_P4D_VAL]		= SLOT(mmu.p4d_val.func),
	[VMI_OP_MAKE_P4D]		= SLOT(mmu.make_p4d.func),
	[VMI_OP_PGD_VAL]		= SLOT(mmu.pgd_val.func),
	[VMI_OP_MAKE_PGD]		= SLOT(mmu.make_pgd.func),
	[VMI_OP_SET_PTE]		= SLOT(mmu.set_pte.func),
	[VMI_OP_SET_PMD]		= SLOT(mmu.set_pmd.func),
	[VMI_OP_SET_PUD]		= SLOT(mmu.set_pud.func),
	[VMI_OP_SET_P4D]		= SLOT(mmu.set_p4d),
	[VMI_OP_APIC_READ]		= SLOT(apic.read),
	[VMI_OP_APIC_WRITE]		= SLOT(apic.write),
	[VMI_OP_APIC_EOI]		= SLOT(apic.eoi),
	[VMI_OP_APIC_ICR_READ]		= SLOT(apic.icr_read),
	[VMI_OP_APIC_ICR_WRITE]		= SLOT(apic.icr_write),
};

/*
 * The ROM's APIC entries, kept apart from vmi_ops: they drive the x2APIC
 * interface, so they stand in for the kernel's APIC driver only while that
 * runs the local APIC in x2APIC mode (vmi_apic_override()).
 */
static struct paravirt_ops vmi_apic_entries;

/**
 * vmi_apic_apply - lay the ROM's APIC entries over the driver's operations
 * @ops: the APIC driver's operations, changed in place
 * @x2apic: whether the local APIC runs in x2APIC mode
 *
 * Return: the number of operations replaced.
 */
unsigned int vmi_apic_apply(struct pv_apic_ops *ops, bool x2apic)
{
	const void *const *src = (const void *const *)&vmi_apic_entries.apic;
	void **dst = (void **)ops;
	unsigned int i, n = 0;

	if (!x2apic)
		return 0;
	for (i = 0; i < sizeof(*ops) / sizeof(void *); i++) {
		if (src[i]) {
			dst[i] = (void *)src[i];
			n++;
		}
	}
	return n;
}

static void vmi_apic_override(struct pv_apic_ops *ops)
{
	vmi_apic_apply(ops, x2apic_mode);
}

/*
 * Page-table isolation is decided after the backends are probed, and a
 * ROM knows nothing of it. Under isolation a top-level entry must also go
 * into the user's copy of the table, and a flush of the user's TLB
 * entries must also reach the user's address space; only the kernel's own
 * functions do that. The slots of these operations hold functions that
 * choose, at each call, the ROM's entry or the kernel's function.
 */
static void (*vmi_rom_set_p4d)(p4d_t *p4dp, p4d_t p4d) __ro_after_init;
static void (*vmi_rom_flush_tlb_user)(void) __ro_after_init;
static void (*vmi_rom_flush_tlb_one_user)(unsigned long addr) __ro_after_init;

static void vmi_set_p4d(p4d_t *p4dp, p4d_t p4d)
{
	if (static_cpu_has(X86_FEATURE_PTI))
		native_set_p4d(p4dp, p4d);
	else
		vmi_rom_set_p4d(p4dp, p4d);
}

static void vmi_flush_tlb_user(void)
{
	if (static_cpu_has(X86_FEATURE_PTI))
		native_flush_tlb_local();
	else
		vmi_rom_flush_tlb_user();
}

static void vmi_flush_tlb_one_user(unsigned long addr)
{
	if (static_cpu_has(X86_FEATURE_PTI))
		native_flush_tlb_one_user(addr);
	else
		vmi_rom_flush_tlb_one_user(addr);
}

static const struct {
	unsigned int op;
	void *choose;
	void **rom;
} vmi_pti_ops[] = {
	{ VMI_OP_SET_P4D, vmi_set_p4d, (void **)&vmi_rom_set_p4d },
	{ VMI_OP_FLUSH_TLB_USER, vmi_flush_tlb_user,
	  (void **)&vmi_rom_flush_tlb_user },
	{ VMI_OP_FLUSH_TLB_ONE_USER, vmi_flush_tlb_one_user,
	  (void **)&vmi_rom_flush_tlb_one_user },
};

/* The slot value for operation @op whose ROM code is at @target. */
static void *__init vmi_pti_choice(unsigned int op, void *target)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmi_pti_ops); i++) {
		if (vmi_pti_ops[i].op == op) {
			*vmi_pti_ops[i].rom = target;
			return vmi_pti_ops[i].choose;
		}
	}
	return target;
}

static const u8 vmi_mov_rdi_rax[] = { 0x48, 0x89, 0xf8 };

int vmi_foreign_conversion(const struct vmi_rom_info *info, const u8 *table)
{
	unsigned int op;

	if (IS_ENABLED(CONFIG_PARAVIRT_PTE_CONVERSIONS))
		return -1;
	for (op = VMI_OP_PTE_VAL; op <= VMI_OP_MAKE_PGD && op < info->count;
	     op++) {
		const struct vmi_desc *d = &info->desc[op];

		if (d->kind == VMI_KIND_ABSENT)
			continue;
		if (d->kind == VMI_KIND_INLINE &&
		    d->inline_len == sizeof(vmi_mov_rdi_rax) &&
		    !memcmp(table + op * VMI_ENTRY_SIZE, vmi_mov_rdi_rax,
			    sizeof(vmi_mov_rdi_rax)))
			continue;
		return op;
	}
	return -1;
}

/**
 * vmi_op_of - the ROM's entry behind an operation's target
 * @target: what a pv_ops slot holds
 *
 * Return: the entry whose rebuilt code @target is (alone or inside its
 * wrapper), also through a chooser between the ROM and the kernel
 * (page-table isolation), or -1.
 */
int vmi_op_of(const void *target)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmi_pti_ops); i++)
		if (target == vmi_pti_ops[i].choose)
			target = *vmi_pti_ops[i].rom;
	if (!vmi_rom.count)
		return -1;
	for (i = 0; i < VMI_OP_COUNT; i++)
		if (vmi_start[i] >= 0 && target == vmi_code + vmi_start[i])
			return i;
	return -1;
}

static void __init vmi_announce(unsigned int op)
{
	switch (vmi_wrap_kind_of(&vmi_rom, op)) {
	case VMI_WRAP_CPUID:
		pr_info(PV_MSG_VMI_WRAP_POINTERS "\n", op);
		break;
	case VMI_WRAP_SPLIT:
		pr_info(PV_MSG_VMI_WRAP_HALVES "\n", op);
		break;
	case VMI_WRAP_CLOBBERS:
		pr_info(PV_MSG_VMI_WRAP_CLOBBERS "\n", op,
			vmi_rom.desc[op].clobbers);
		break;
	case VMI_WRAP_NONE:
		break;
	}
}

/*
 * Rebuild the ROM's entries into vmi_code (vmi_build_all()): endbr64 with
 * IBT, room for call-depth accounting before each, every ret a jump to the
 * return thunk that vmi_finalize() has the kernel rewrite. Return: -1, or
 * the entry that does not fit (then nothing of the ROM is used).
 */
static int __init vmi_rebuild(const u8 *rom, u32 inline_at[VMI_OP_COUNT])
{
	struct vmi_build b = {
		.buf = vmi_code,
		.size = VMI_BUILD_SIZE,
		.at = (unsigned long)vmi_code,
		.table_at = (unsigned long)vmi_table,
		.endbr = IS_ENABLED(CONFIG_X86_KERNEL_IBT),
		.pad = IS_ENABLED(CONFIG_CALL_THUNKS) ?
		       CONFIG_FUNCTION_PADDING_BYTES : 0,
		.align = CONFIG_FUNCTION_ALIGNMENT,
		.rets = vmi_rets,
		.max_rets = VMI_BUILD_RETS,
	};
	unsigned int i;
	int bad;

#ifdef CONFIG_MITIGATION_RETHUNK
	b.ret_thunk = (unsigned long)__x86_return_thunk;
#endif
	memcpy(vmi_table, rom + vmi_rom.table, vmi_rom.count * VMI_ENTRY_SIZE);
	bad = vmi_build_all(&b, rom, &vmi_rom, vmi_start, inline_at);
	if (bad >= 0) {
		memset(vmi_code, INT3_INSN_OPCODE, VMI_BUILD_SIZE);
		return bad;
	}
	sync_core();
	for (i = 0; i < b.nr_rets; i++)
		vmi_ret_sites[i] = (s32)((long)(vmi_code + vmi_rets[i]) -
					 (long)&vmi_ret_sites[i]);
	vmi_nr_rets = b.nr_rets;
	return -1;
}

/* The kernel's return thunks, now chosen, for the rets of vmi_code. */
static void __init vmi_finalize(void)
{
	apply_returns(vmi_ret_sites, vmi_ret_sites + vmi_nr_rets);
}

static void __init vmi_install(void)
{
	unsigned int i;

	for (i = 0; i < vmi_rom.count; i++) {
		const struct vmi_desc *d = &vmi_rom.desc[i];
		u8 *target;

		if (vmi_start[i] < 0)
			continue;
		vmi_announce(i);
		target = vmi_pti_choice(i, vmi_code + vmi_start[i]);
		*(void **)((u8 *)(i >= VMI_OP_APIC_READ ? &vmi_apic_entries :
				  &vmi_ops) + vmi_slot_offset[i]) = target;
		/*
		 * A wrapper adapts the interface, a chooser may call the
		 * kernel instead: the bytes alone do neither.
		 */
		if (d->kind == VMI_KIND_INLINE && vmi_inline_at[i] &&
		    target == vmi_code + vmi_start[i]) {
			vmi_templates[i].func = target;
			vmi_templates[i].bytes = vmi_code + vmi_inline_at[i];
			vmi_templates[i].len = d->inline_len;
			vmi_templates[i].clobbers = d->clobbers;
		}
	}
}

static int __init vmi_probe(void)
{
	unsigned long addr;

	BUILD_BUG_ON(sizeof(struct vmi_rom_header) != 32);
	BUILD_BUG_ON(sizeof(struct vmi_desc) != 8);

	for (addr = VMI_SCAN_START; addr < VMI_SCAN_END; addr += VMI_SCAN_STEP) {
		const u8 *rom = phys_to_virt(addr);
		enum vmi_rom_error err;
		int bad;

		if (rom[0] != 0x55 || rom[1] != 0xaa ||
		    memcmp(rom + VMI_HEADER_OFFSET, VMI_SIGNATURE, 8))
			continue;

		err = vmi_rom_validate(rom, VMI_SCAN_END - addr, &vmi_rom);
		if (err != VMI_OK) {
			if (vmi_rom_error_in_code(err))
				pr_err(PV_MSG_VMI_REFUSED_CODE "\n", addr,
				       vmi_rom_error_name(err),
				       vmi_rom.bad_entry, vmi_rom.bad_offset,
				       vmi_rom.bad_insn_len, vmi_rom.bad_insn);
			else if (vmi_rom.bad_entry >= 0)
				pr_err(PV_MSG_VMI_REFUSED_ENTRY "\n", addr,
				       vmi_rom_error_name(err),
				       vmi_rom.bad_entry);
			else
				pr_err(PV_MSG_VMI_REFUSED "\n", addr,
				       vmi_rom_error_name(err));
			memset(&vmi_rom, 0, sizeof(vmi_rom));
			return -EINVAL;
		}

		bad = vmi_foreign_conversion(&vmi_rom, rom + vmi_rom.table);
		if (bad >= 0) {
			pr_err("ROM at %#lx refused: entry %d converts page-table entries, and this kernel has no conversion sites (CONFIG_PARAVIRT_PTE_CONVERSIONS)\n",
			       addr, bad);
			memset(&vmi_rom, 0, sizeof(vmi_rom));
			return -EINVAL;
		}

		bad = vmi_rebuild(rom, vmi_inline_at);
		if (bad >= 0) {
			pr_err(PV_MSG_VMI_NO_ROOM "\n", addr, bad);
			memset(&vmi_rom, 0, sizeof(vmi_rom));
			return -ENOSPC;
		}
		vmi_rom_phys = addr;
		vmi_install();
		pr_info(PV_MSG_VMI_ROM "\n", addr, VMI_ABI_MAJOR,
			vmi_rom.abi_minor, vmi_rom.size, vmi_rom.count);
		return 0;
	}
	return -ENODEV;
}

PV_BACKEND(vmi) = {
	.name = "vmi",
	.priority = 10,
	.probe = vmi_probe,
	.ops = &vmi_ops,
	.templates = vmi_templates,
	.nr_templates = ARRAY_SIZE(vmi_templates),
	.apic_override = vmi_apic_override,
	.finalize = vmi_finalize,
};
