/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interface between the paravirt layer's core and its backends.
 *
 * A backend is a directory with a descriptor registered by PV_BACKEND(): a
 * probe, a partial operations table (NULL members keep the native
 * implementation) and optional inline templates. Nothing in the core names
 * a backend.
 */
#ifndef _ASM_X86_PARAVIRT_BACKEND_H
#define _ASM_X86_PARAVIRT_BACKEND_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/objtool.h>
#include <linux/stringify.h>
#include <asm/paravirt_types.h>
#include <asm/pgtable_types.h>

struct vm_area_struct;

/**
 * struct pv_msr_safe_result - what cpu.read_msr_safe returns
 * @val: the MSR's value, zero if the read failed
 * @err: 0, or -EIO if the read failed
 *
 * Returned in %rax and %rdx: a C function returning this struct, wrapped
 * with PV_CALLEE_SAVE_PAIR_THUNK(), implements the operation.
 */
struct pv_msr_safe_result {
	u64 val;
	long err;
};

/* struct pv_template and PV_TEMPLATE_NOT_PTI: see asm/paravirt_site.h. */

/**
 * struct pv_text_range - a stretch of kernel text
 * @start: its first byte
 * @size: its length in bytes
 */
struct pv_text_range {
	const void *start;
	unsigned long size;
};

/**
 * struct pv_backend - descriptor of one backend
 * @name:	short name, used on the command line and in messages
 * @priority:	backends are probed from the highest priority down; native
 *		has 0 and always probes successfully, so others use > 0
 * @probe:	returns 0 if the backend can run on this machine, or a
 *		negative errno; it may set up what @ops needs. Runs once,
 *		from setup_arch(), with one CPU up.
 * @ops:	operations the backend provides; NULL members stay native
 * @templates:	inline templates, looked up by function
 * @nr_templates: number of @templates
 * @apic_override: optional; called with the operations of the kernel's
 *		APIC driver in @apic whenever the driver changes (and when the
 *		backend is installed), it may replace any of them with the
 *		backend's own. It must not sleep and must decide from the
 *		driver (x2apic_mode, the functions in @apic) and the backend's
 *		own state only.
 * @foreign_text: optional; the code in kernel text that the backend calls
 *		but did not compile (a hypercall page), ending with an empty
 *		range. It has no function padding and returns with a plain
 *		``ret``, so call-depth tracking must leave calls into it
 *		alone (paravirt_foreign_text()). Code a backend writes should
 *		rather return as the kernel's code does (@finalize).
 * @finalize:	optional; called once at boot for a backend whose probe
 *		succeeded, after the kernel has chosen its mitigations and
 *		before it applies its alternatives, with one CPU up and
 *		kernel text still writable: where a backend that wrote code
 *		at probe time has the kernel rewrite that code's returns
 *		(apply_returns()), as it does its own.
 */
struct pv_backend {
	const char *name;
	int priority;
	int (*probe)(void);
	const struct paravirt_ops *ops;
	const struct pv_template *templates;
	unsigned int nr_templates;
	void (*apic_override)(struct pv_apic_ops *apic);
	const struct pv_text_range *foreign_text;
	void (*finalize)(void);
};

/**
 * PV_BACKEND - register a backend
 * @id: C identifier of the descriptor
 *
 * Use as ``PV_BACKEND(mine) = { .name = "mine", ... };``. The descriptor
 * goes to the .pv_backends section; the core finds it there.
 */
#define PV_BACKEND(id)							\
	static const struct pv_backend __pv_backend_##id		\
	__used __section(".pv_backends") __aligned(8)

/**
 * PV_NATIVE_INSN - the body of a native operation whose template repeats it
 * @func: the function
 * @insn: its instructions, exactly a site's PV_SITE_LEN bytes (pad them
 *	  with DS prefixes, which change nothing in 64-bit mode)
 *
 * Use as DEFINE_ASM_FUNC(@func, PV_NATIVE_INSN(@func, @insn), section):
 * the function is @insn and a return, and the global label @func_insn
 * marks @insn's bytes, from which the native backend takes the template
 * that stands for @func at the sites (asm/paravirt_site.h). The two cannot
 * differ; the assembler refuses @insn of another length.
 */
#define PV_NATIVE_INSN(func, insn)					\
	".global " #func "_insn\n"					\
	#func "_insn:\n\t"						\
	ANNOTATE_NOENDBR						\
	insn "\n\t"							\
	".if . - " #func "_insn - " __stringify(PV_SITE_LEN) "\n\t"	\
	".error \"" #func ": not a site's length\"\n\t"		\
	".endif\n\t"

/* Native functions the templates of the native backend stand for. */
unsigned long pv_native_read_cr0(void);
unsigned long pv_native_read_cr3(void);
void pv_native_write_cr3(unsigned long val);
void pv_native_load_tls(struct thread_struct *t, unsigned int cpu);
void pv_native_wbinvd(void);
void pv_native_cpuid(void);	/* the cpuid instruction's interface */
void pv_native_set_pte(pte_t *ptep, pte_t pte);
void pv_native_set_pmd(pmd_t *pmdp, pmd_t pmd);
void pv_native_set_pud(pud_t *pudp, pud_t pud);
pte_t pv_native_ptep_modify_prot_start(pte_t *ptep);
void pv_native_ptep_modify_prot_commit(pte_t *ptep, pte_t pte);

/* The backend in use: set by paravirt_probe(), changed by pv_repatch(). */
extern const struct pv_backend *pv_active_backend;

/* The backend paravirt_probe() chose. */
extern const struct pv_backend *pv_boot_backend;

/* The native backend: its templates apply under every backend. */
extern const struct pv_backend *const pv_native_backend;

/* Registered backends, in link order. */
extern const struct pv_backend __start_pv_backends[], __stop_pv_backends[];

#endif /* _ASM_X86_PARAVIRT_BACKEND_H */
