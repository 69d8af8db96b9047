// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the vmi backend, in whatever boot they run: with a valid
 * ROM the backend must be active and the sites must use the ROM's code;
 * without one (or with a refused one) nothing of any ROM may be in use.
 */

#include <kunit/test.h>
#include <linux/io.h>
#include <linux/memory.h>
#include <linux/pgtable.h>
#include <linux/string.h>
#include <asm/insn.h>
#include <asm/apic.h>
#include <asm/ibt.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/paravirt.h>
#include <asm/paravirt_layer.h>
#include <asm/sections.h>
#include <asm/text-patching.h>

#include "../../backends/vmi/vmi.h"

static bool vmi_active(void)
{
	return pv_active_backend && !strcmp(pv_active_backend->name, "vmi");
}

static bool in_vmi_code(const void *p)
{
	return p >= (void *)vmi_code && p < (void *)vmi_code_end;
}

static const void *slot_value(unsigned int op)
{
	return ((const void *const *)&pv_ops)[op];
}

/* The backend is active exactly when a valid ROM was found. */
static void vmi_active_iff_rom_valid(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmi_active(), vmi_rom.count > 0);
	if (vmi_active()) {
		KUNIT_EXPECT_GE(test, vmi_rom_phys, 0xc0000UL);
		KUNIT_EXPECT_LT(test, vmi_rom_phys, 0xe0000UL);
		KUNIT_EXPECT_EQ(test, vmi_rom.size % 512, 0);
	}
}

/*
 * With a ROM, every operation it provides goes to its entry and no other;
 * without one, no slot points into the copy area and the area is untouched.
 */
static void vmi_slots_match_rom(struct kunit *test)
{
	unsigned int i, provided = 0;
	const u8 *p;

	for (i = 0; i < PV_OP_COUNT; i++) {
		const void *v = slot_value(i);
		int op = vmi_op_of(v);

		if (op < 0) {
			KUNIT_EXPECT_FALSE_MSG(test, in_vmi_code(v),
					       "%s points into the middle of vmi code",
					       pv_op_name(i));
			continue;
		}
		KUNIT_ASSERT_TRUE_MSG(test, vmi_active(),
				      "%s points into the vmi area", pv_op_name(i));
		KUNIT_EXPECT_NE(test, vmi_rom.desc[op].kind, VMI_KIND_ABSENT);
		provided++;
	}

	if (!vmi_active()) {
		for (p = vmi_code; p < vmi_code_end; p++)
			if (*p != 0xcc)
				break;
		KUNIT_EXPECT_PTR_EQ(test, p, (const u8 *)vmi_code_end);
		return;
	}
	/* The APIC entries stand in for the driver only in x2APIC mode. */
	for (i = 0; i < vmi_rom.count; i++)
		if (vmi_rom.desc[i].kind != VMI_KIND_ABSENT &&
		    (i < VMI_OP_APIC_READ || x2apic_mode))
			provided--;
	KUNIT_EXPECT_EQ(test, provided, 0);
}

/*
 * The ROM's APIC entries replace the driver's operations in x2APIC mode
 * and leave them alone otherwise; the table holds them exactly when the
 * kernel runs in x2APIC mode.
 */
static void vmi_apic_entries(struct kunit *test)
{
	static const unsigned int op[] = {
		VMI_OP_APIC_READ, VMI_OP_APIC_WRITE, VMI_OP_APIC_EOI,
		VMI_OP_APIC_ICR_READ, VMI_OP_APIC_ICR_WRITE,
	};
	struct pv_apic_ops ops = { }, none = { };
	const void *const *slot = (const void *const *)&ops;
	unsigned int i, want = 0;

	KUNIT_EXPECT_EQ(test, vmi_apic_apply(&ops, false), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&ops, &none, sizeof(ops)), 0);

	for (i = 0; i < ARRAY_SIZE(op); i++)
		if (vmi_active() && op[i] < vmi_rom.count &&
		    vmi_rom.desc[op[i]].kind != VMI_KIND_ABSENT)
			want++;
	KUNIT_EXPECT_EQ(test, vmi_apic_apply(&ops, true), want);
	for (i = 0; i < ARRAY_SIZE(op); i++) {
		if (!slot[i])
			continue;
		KUNIT_EXPECT_EQ(test, vmi_op_of(slot[i]), op[i]);
	}
	if (vmi_active() && pv_active_backend == pv_backend_find("vmi"))
		KUNIT_EXPECT_EQ(test, in_vmi_code(pv_ops.apic.read),
				x2apic_mode && want > 0);
	else
		KUNIT_EXPECT_FALSE(test, in_vmi_code(pv_ops.apic.read));
}

/*
 * Sites of the ROM's inlinable operations hold the ROM's bytes; sites of
 * its other operations call into the copied code.
 */
static void vmi_sites_use_rom_code(struct kunit *test)
{
	unsigned int inlined = 0, called = 0;
	const struct pv_site *s;

	/* vmi_active_iff_rom_valid checks that no ROM is recorded then */
	if (!vmi_active())
		kunit_skip(test, "the vmi backend is not in use");
	if (pv_mode == PV_MODE_UNPATCH)
		kunit_skip(test, "mode unpatch: every site calls its trampoline");

	mutex_lock(&text_mutex);
	for (s = __start_parainstructions; s < __stop_parainstructions; s++) {
		const u8 *ip = pv_site_addr(s);
		const u8 *target = slot_value(s->op);
		int op = vmi_op_of(target);
		const struct vmi_desc *d;
		struct insn insn;

		if (op < 0)
			continue;
		d = &vmi_rom.desc[op];
		if (d->kind == VMI_KIND_INLINE && in_vmi_code(target) &&
		    vmi_wrap_kind_of(&vmi_rom, op) == VMI_WRAP_NONE &&
		    d->inline_len <= s->len &&
		    pv_mode != PV_MODE_NOINLINE &&
		    !(d->clobbers & ~s->clobbers)) {
			KUNIT_EXPECT_EQ_MSG(test,
					    memcmp(ip, vmi_table + op * VMI_ENTRY_SIZE,
						   d->inline_len),
					    0, "site %pS", ip);
			inlined++;
			continue;
		}
		/* text_mutex is held: fail without ending the case */
		if (insn_decode_kernel(&insn, ip) < 0) {
			KUNIT_FAIL(test, "site %pS does not decode", ip);
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, insn.opcode.bytes[0], 0xe8,
				    "site %pS", ip);
		KUNIT_EXPECT_PTR_EQ(test, ip + insn.length + insn.immediate.value,
				    callthunks_translate_call_dest((void *)target));
		called++;
	}
	mutex_unlock(&text_mutex);
	if (pv_mode != PV_MODE_NOINLINE)
		KUNIT_EXPECT_GT(test, inlined, 0);
	KUNIT_EXPECT_GT(test, called, 0);
}

/*
 * The code area lives in kernel text and is executable (that it becomes
 * read-only once the kernel protects its text is checked by
 * CONFIG_DEBUG_WX at the end of boot, after these tests). With a ROM, the
 * kernel's copy of its call table is the ROM's byte for byte, as the ROM
 * still publishes it; without one, the code area is int3 throughout.
 */
static void vmi_code_in_kernel_text(struct kunit *test)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)vmi_code, &level);
	const u8 *p;

	KUNIT_EXPECT_TRUE(test, core_kernel_text((unsigned long)vmi_code));
	/* the area ends in kernel text too (an int3 follows it) */
	KUNIT_EXPECT_TRUE(test, core_kernel_text((unsigned long)vmi_code_end));
	KUNIT_ASSERT_NOT_NULL(test, pte);
	KUNIT_EXPECT_TRUE(test, pte_exec(*pte));

	if (vmi_active()) {
		const u8 *rom = phys_to_virt(vmi_rom_phys);
		unsigned int copied = vmi_rom.count * VMI_ENTRY_SIZE;

		KUNIT_ASSERT_LE(test, vmi_rom.table + copied, vmi_rom.size);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(vmi_table, rom + vmi_rom.table,
						 copied), 0,
				    "the kernel's call table differs from the ROM's");
		return;
	}
	for (p = vmi_code; p < vmi_code_end; p++)
		if (*p != INT3_INSN_OPCODE)
			break;
	KUNIT_EXPECT_PTR_EQ_MSG(test, p, (const u8 *)vmi_code_end,
				"byte %#x of an unused area is not int3",
				(unsigned int)(p - vmi_code));
}

/* The end of operation @op's code: where the next piece's padding starts. */
static const u8 *vmi_piece_end(unsigned int op)
{
	unsigned int pad = IS_ENABLED(CONFIG_CALL_THUNKS) ?
			   CONFIG_FUNCTION_PADDING_BYTES : 0;
	int next = -1;
	unsigned int i;

	for (i = 0; i < VMI_OP_COUNT; i++)
		if (vmi_start[i] > vmi_start[op] &&
		    (next < 0 || vmi_start[i] < next))
			next = vmi_start[i];
	return next < 0 ? vmi_code_end : vmi_code + next - pad;
}

/*
 * Every piece of rebuilt code starts with endbr64 when the kernel has IBT,
 * and leaves only by the kernel's return: with return thunks on, a jmp to
 * x86_return_thunk and never a plain ret; without, "ret" and int3s. No
 * other branch leaves its piece, and every byte of it decodes.
 */
static void vmi_rebuilt_code(struct kunit *test)
{
	bool thunk = cpu_feature_enabled(X86_FEATURE_RETHUNK);
	unsigned int op, pieces = 0, rets = 0;

	if (!vmi_active())
		kunit_skip(test, "the vmi backend is not in use");
	for (op = 0; op < VMI_OP_COUNT; op++) {
		const u8 *start = vmi_code + vmi_start[op], *end, *p;
		struct insn insn;

		if (vmi_start[op] < 0)
			continue;
		pieces++;
		end = vmi_piece_end(op);
		if (IS_ENABLED(CONFIG_X86_KERNEL_IBT))
			KUNIT_EXPECT_TRUE_MSG(test, is_endbr(*(u32 *)start),
					      "entry %u: no endbr64", op);
		for (p = start; p < end; p += insn.length) {
			const u8 *target;

			if (insn_decode_kernel(&insn, p) < 0) {
				KUNIT_FAIL(test, "entry %u: %pS does not decode",
					   op, p);
				break;
			}
			if (insn.opcode.bytes[0] == RET_INSN_OPCODE) {
				KUNIT_EXPECT_FALSE_MSG(test, thunk,
						       "entry %u: a plain ret at %pS with return thunks on",
						       op, p);
				rets++;
				continue;
			}
			if (insn.opcode.bytes[0] != JMP32_INSN_OPCODE &&
			    !(insn.opcode.bytes[0] == 0x0f &&
			      (insn.opcode.bytes[1] & 0xf0) == 0x80))
				continue;
			target = p + insn.length + insn.immediate.value;
			if (target >= start && target < end)
				continue;
			KUNIT_EXPECT_TRUE_MSG(test, thunk &&
					      target == (u8 *)x86_return_thunk,
					      "entry %u: a branch out at %pS to %pS",
					      op, p, target);
			rets++;
		}
	}
	KUNIT_EXPECT_GE(test, rets, pieces);
	kunit_info(test, "%u pieces, %u returns (%s)\n", pieces, rets,
		   thunk ? "through the return thunk" : "plain");
}

/*
 * Without conversion sites only identity conversions are acceptable: a
 * made-up ROM with each kind of conversion entry.
 */
static void vmi_conversions_identity_only(struct kunit *test)
{
	static const u8 mov_rdi_rax[] = { 0x48, 0x89, 0xf8 };
	static const u8 mov_rdi_rax_and[] = { 0x48, 0x89, 0xf8, 0x24, 0xff };
	bool conv = IS_ENABLED(CONFIG_PARAVIRT_PTE_CONVERSIONS);
	struct vmi_rom_info *info;
	unsigned int op;
	u8 *table;

	info = kunit_kzalloc(test, sizeof(*info), GFP_KERNEL);
	table = kunit_kzalloc(test, VMI_OP_COUNT * VMI_ENTRY_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, info);
	KUNIT_ASSERT_NOT_NULL(test, table);
	info->count = VMI_OP_COUNT;

	/* all absent, then all the inline identity */
	KUNIT_EXPECT_EQ(test, vmi_foreign_conversion(info, table), -1);
	for (op = VMI_OP_PTE_VAL; op <= VMI_OP_MAKE_PGD; op++) {
		info->desc[op].kind = VMI_KIND_INLINE;
		info->desc[op].inline_len = sizeof(mov_rdi_rax);
		memcpy(table + op * VMI_ENTRY_SIZE, mov_rdi_rax,
		       sizeof(mov_rdi_rax));
	}
	KUNIT_EXPECT_EQ(test, vmi_foreign_conversion(info, table), -1);

	/* an identity that is a call, not inline */
	info->desc[VMI_OP_PMD_VAL].kind = VMI_KIND_CALL;
	info->desc[VMI_OP_PMD_VAL].inline_len = 0;
	KUNIT_EXPECT_EQ(test, vmi_foreign_conversion(info, table),
			conv ? -1 : VMI_OP_PMD_VAL);
	info->desc[VMI_OP_PMD_VAL].kind = VMI_KIND_INLINE;
	info->desc[VMI_OP_PMD_VAL].inline_len = sizeof(mov_rdi_rax);

	/* inline bytes that change the value */
	info->desc[VMI_OP_MAKE_PGD].inline_len = sizeof(mov_rdi_rax_and);
	memcpy(table + VMI_OP_MAKE_PGD * VMI_ENTRY_SIZE, mov_rdi_rax_and,
	       sizeof(mov_rdi_rax_and));
	KUNIT_EXPECT_EQ(test, vmi_foreign_conversion(info, table),
			conv ? -1 : VMI_OP_MAKE_PGD);

	/* a short table that ends before the conversions */
	info->count = VMI_OP_PTE_VAL;
	KUNIT_EXPECT_EQ(test, vmi_foreign_conversion(info, table), -1);
}

/*
 * An entry of the C convention for an operation whose sites are
 * callee-save is reached through a wrapper, and only such an entry: one
 * per entry that declares clobbers other than %rax, the entry's code
 * inside it. So are the CPUID and write_msr entries, whatever they
 * declare.
 */
static void vmi_wrapped_entries(struct kunit *test)
{
	unsigned int i, want = 0, got = 0;

	for (i = 0; i < vmi_rom.count; i++)
		if (vmi_rom.desc[i].kind != VMI_KIND_ABSENT &&
		    (i == VMI_OP_CPUID || i == VMI_OP_WRITE_MSR ||
		     ((VMI_WRAPPED_OPS & VMI_BIT(i)) &&
		      (vmi_rom.desc[i].clobbers & ~PV_CLOBBER_RAX))))
			want++;
	for (i = 0; i < PV_OP_COUNT; i++) {
		int op = vmi_op_of(slot_value(i));

		if (op < 0 || vmi_wrap_kind_of(&vmi_rom, op) == VMI_WRAP_NONE)
			continue;
		got++;
		if (op == VMI_OP_CPUID || op == VMI_OP_WRITE_MSR)
			continue;
		KUNIT_EXPECT_TRUE(test, VMI_WRAPPED_OPS & VMI_BIT(op));
		KUNIT_EXPECT_NE(test, vmi_rom.desc[op].clobbers & ~PV_CLOBBER_RAX,
				0);
	}
	KUNIT_EXPECT_EQ(test, got, want);
	kunit_info(test, "%u entries called through wrappers\n", got);
}

#ifdef CONFIG_MITIGATION_CALL_DEPTH_TRACKING
static noinline void vmi_depth_reference(void)
{
	barrier();
}

/*
 * Call-depth tracking counts calls and returns in a shift register: a
 * call shifts it right by 5, a return left. After a call and its return
 * it holds what it held, if that ended in five zero bits; a call whose
 * return goes uncounted, or the reverse, changes it. Each operation is
 * called as an unpatched site calls it, through its trampoline, after a
 * call of a compiled function that leaves the register in that state.
 */
static void vmi_call_depth_balanced(struct kunit *test)
{
	void (*reference)(void) = vmi_depth_reference;
	unsigned long (*ul)(void);
	unsigned long flags, cr;
	unsigned int i, n = 0;
	u64 before, after;
	pte_t pte = __pte(0);
	pmd_t pmd = __pmd(0);
	pud_t pud = __pud(0);
	p4d_t p4d = __p4d(0);

	if (!vmi_active())
		kunit_skip(test, "the vmi backend is not in use");
	if (!cpu_feature_enabled(X86_FEATURE_CALL_DEPTH))
		kunit_skip(test, "no call-depth tracking (retbleed=stuff)");
	/* an indirect call, as the trampolines' below */
	OPTIMIZER_HIDE_VAR(reference);

#define VMI_DEPTH(op, call) do {					\
		unsigned int idx = PV_OP_INDEX(op);			\
		const void *tramp = pv_tramp_addr(idx);			\
									\
		if (vmi_op_of(slot_value(idx)) >= 0) {			\
			reference();					\
			before = this_cpu_read(pcpu_hot.call_depth);	\
			call;						\
			after = this_cpu_read(pcpu_hot.call_depth);	\
			KUNIT_EXPECT_EQ_MSG(test, after, before, "%s",	\
					    pv_op_name(idx));		\
			n++;						\
		}							\
	} while (0)

	local_irq_save(flags);
	VMI_DEPTH(irq.save_fl, ((unsigned long (*)(void))tramp)());
	VMI_DEPTH(irq.irq_disable, ((void (*)(void))tramp)());
	ul = (unsigned long (*)(void))pv_tramp_addr(PV_OP_INDEX(cpu.read_cr0));
	cr = ul();
	VMI_DEPTH(cpu.read_cr0, ((unsigned long (*)(void))tramp)());
	VMI_DEPTH(cpu.write_cr0, ((void (*)(unsigned long))tramp)(cr));
	VMI_DEPTH(mmu.read_cr2, cr = ((unsigned long (*)(void))tramp)());
	VMI_DEPTH(mmu.write_cr2, ((void (*)(unsigned long))tramp)(cr));
	VMI_DEPTH(mmu.read_cr3, cr = ((unsigned long (*)(void))tramp)());
	VMI_DEPTH(mmu.write_cr3, ((void (*)(unsigned long))tramp)(cr));
	VMI_DEPTH(cpu.write_cr4, ((void (*)(unsigned long))tramp)(__read_cr4()));
	VMI_DEPTH(cpu.wbinvd, ((void (*)(void))tramp)());
	VMI_DEPTH(cpu.read_msr,
		  cr = ((u64 (*)(unsigned int))tramp)(MSR_KERNEL_GS_BASE));
	VMI_DEPTH(cpu.write_msr,
		  ((void (*)(unsigned int, u64))tramp)(MSR_KERNEL_GS_BASE, cr));
	VMI_DEPTH(cpu.io_delay, ((void (*)(void))tramp)());
	VMI_DEPTH(mmu.flush_tlb_user, ((void (*)(void))tramp)());
	VMI_DEPTH(mmu.flush_tlb_one_user,
		  ((void (*)(unsigned long))tramp)((unsigned long)&pte));
	VMI_DEPTH(mmu.set_pte, ((void (*)(pte_t *, pte_t))tramp)(&pte, pte));
	VMI_DEPTH(mmu.set_pmd, ((void (*)(pmd_t *, pmd_t))tramp)(&pmd, pmd));
	VMI_DEPTH(mmu.set_pud, ((void (*)(pud_t *, pud_t))tramp)(&pud, pud));
	VMI_DEPTH(mmu.set_p4d, ((void (*)(p4d_t *, p4d_t))tramp)(&p4d, p4d));
	local_irq_restore(flags);
#undef VMI_DEPTH
	for (i = 0; i < 3; i++) {
		u32 a = 0, b, c = 0, d;

		reference();
		before = this_cpu_read(pcpu_hot.call_depth);
		__cpuid(&a, &b, &c, &d);
		after = this_cpu_read(pcpu_hot.call_depth);
		KUNIT_EXPECT_EQ_MSG(test, after, before, "cpuid from a site");
	}
	kunit_info(test, "%u operations through their trampolines, cpuid from a site\n",
		   n);
}
#else
static void vmi_call_depth_balanced(struct kunit *test)
{
	kunit_skip(test, "CONFIG_MITIGATION_CALL_DEPTH_TRACKING is off");
}
#endif

static struct kunit_case vmi_cases[] = {
	KUNIT_CASE(vmi_active_iff_rom_valid),
	KUNIT_CASE(vmi_slots_match_rom),
	KUNIT_CASE(vmi_apic_entries),
	KUNIT_CASE(vmi_sites_use_rom_code),
	KUNIT_CASE(vmi_wrapped_entries),
	KUNIT_CASE(vmi_code_in_kernel_text),
	KUNIT_CASE(vmi_rebuilt_code),
	KUNIT_CASE(vmi_call_depth_balanced),
	KUNIT_CASE(vmi_conversions_identity_only),
	{}
};

static struct kunit_suite vmi_suite = {
	.name = "paravirt_vmi",
	.test_cases = vmi_cases,
};

kunit_test_suites(&vmi_suite);

MODULE_DESCRIPTION("KUnit tests of the paravirt layer's vmi backend");
MODULE_LICENSE("GPL");
