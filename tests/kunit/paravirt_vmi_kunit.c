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
		const void *v = vmi_unwrap(slot_value(i));

		if (!in_vmi_code(v))
			continue;
		KUNIT_ASSERT_TRUE_MSG(test, vmi_active(),
				      "%s points into the vmi area", pv_op_name(i));
		KUNIT_EXPECT_EQ(test, (v - (void *)vmi_code) % VMI_ENTRY_SIZE, 0);
		KUNIT_EXPECT_NE(test, vmi_rom.desc[(v - (void *)vmi_code) /
				VMI_ENTRY_SIZE].kind, VMI_KIND_ABSENT);
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
		KUNIT_EXPECT_PTR_EQ(test, slot[i],
				    (const void *)(vmi_code +
						   op[i] * VMI_ENTRY_SIZE));
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
		const u8 *entry = vmi_unwrap(target);
		const struct vmi_desc *d;
		struct insn insn;

		if (!in_vmi_code(entry))
			continue;
		d = &vmi_rom.desc[(entry - vmi_code) / VMI_ENTRY_SIZE];
		if (d->kind == VMI_KIND_INLINE && target == entry &&
		    d->inline_len <= s->len &&
		    pv_mode != PV_MODE_NOINLINE &&
		    !(d->clobbers & ~s->clobbers)) {
			KUNIT_EXPECT_EQ_MSG(test, memcmp(ip, entry, d->inline_len),
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
 * The copy area lives in kernel text and is executable (that it becomes
 * read-only once the kernel protects its text is checked by
 * CONFIG_DEBUG_WX at the end of boot, after these tests). With a ROM it
 * holds the ROM's call table byte for byte, as the ROM still publishes
 * it, and int3 after it; without one, int3 throughout.
 */
static void vmi_code_in_kernel_text(struct kunit *test)
{
	unsigned int level, copied = 0;
	pte_t *pte = lookup_address((unsigned long)vmi_code, &level);
	const u8 *p;

	KUNIT_EXPECT_TRUE(test, core_kernel_text((unsigned long)vmi_code));
	/* the area ends in kernel text too (an int3 follows it) */
	KUNIT_EXPECT_TRUE(test, core_kernel_text((unsigned long)vmi_code_end));
	KUNIT_ASSERT_NOT_NULL(test, pte);
	KUNIT_EXPECT_TRUE(test, pte_exec(*pte));

	if (vmi_active()) {
		const u8 *rom = phys_to_virt(vmi_rom_phys);

		copied = vmi_rom.count * VMI_ENTRY_SIZE;
		KUNIT_ASSERT_LE(test, copied,
				(unsigned int)(vmi_code_end - vmi_code));
		KUNIT_ASSERT_LE(test, vmi_rom.table + copied, vmi_rom.size);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(vmi_code, rom + vmi_rom.table,
						 copied), 0,
				    "the copied call table differs from the ROM's");
	}
	for (p = vmi_code + copied; p < vmi_code_end; p++)
		if (*p != INT3_INSN_OPCODE)
			break;
	KUNIT_EXPECT_PTR_EQ_MSG(test, p, (const u8 *)vmi_code_end,
				"byte %#x past the copy is not int3",
				(unsigned int)(p - vmi_code));
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
 * per entry that declares clobbers other than %rax, each calling its
 * entry. So are the CPUID and write_msr entries, whatever they declare.
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
		const u8 *v = slot_value(i);
		const u8 *entry = vmi_unwrap(v);
		unsigned int op;

		if (v < vmi_wrap || v >= vmi_wrap_end)
			continue;
		got++;
		KUNIT_EXPECT_EQ(test, (v - vmi_wrap) % VMI_WRAP_SIZE, 0);
		KUNIT_ASSERT_TRUE_MSG(test, in_vmi_code(entry),
				      "%s: wrapper calls %pS", pv_op_name(i),
				      entry);
		op = (entry - vmi_code) / VMI_ENTRY_SIZE;
		if (op == VMI_OP_CPUID || op == VMI_OP_WRITE_MSR)
			continue;
		KUNIT_EXPECT_TRUE(test, VMI_WRAPPED_OPS & VMI_BIT(op));
		KUNIT_EXPECT_NE(test, vmi_rom.desc[op].clobbers & ~PV_CLOBBER_RAX,
				0);
	}
	KUNIT_EXPECT_EQ(test, got, want);
	kunit_info(test, "%u entries called through wrappers\n", got);
}

static struct kunit_case vmi_cases[] = {
	KUNIT_CASE(vmi_active_iff_rom_valid),
	KUNIT_CASE(vmi_slots_match_rom),
	KUNIT_CASE(vmi_apic_entries),
	KUNIT_CASE(vmi_sites_use_rom_code),
	KUNIT_CASE(vmi_wrapped_entries),
	KUNIT_CASE(vmi_code_in_kernel_text),
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
