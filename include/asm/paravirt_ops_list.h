/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The operations of pv_ops, in the order of struct paravirt_ops:
 * one PV_OP(group, member, returns) line per slot, slot 0 first.
 *
 *   group	member of struct paravirt_ops (cpu, irq, mmu, apic)
 *   member	the operation's member in that group (may contain a dot)
 *   returns	1 if the operation returns a value, 0 if not; only
 *		operations that return nothing may become NOPs
 *
 * Define PV_OP() and include this file where the list is wanted (it has no
 * include guard for that reason), then undefine PV_OP(). The kernel builds
 * its operation names from the list and checks at build time that the
 * list's order is the table's (arch/x86/paravirt/patch.c); the host tools
 * that read kernel images (tools/inspect) name operations from it too.
 *
 * A new group of operations goes at the end of the table and is a block
 * of lines at the end of this list, in its members' order. The lock group
 * is in the kernel's table only with CONFIG_PARAVIRT_SPINLOCKS; host tools
 * always know its names (a kernel without it has no site that uses them).
 */
#ifndef PV_OP
#error "define PV_OP(group, member, returns) before including this list"
#endif

/* struct pv_cpu_ops */
PV_OP(cpu, io_delay, 0)
PV_OP(cpu, get_debugreg, 1)
PV_OP(cpu, set_debugreg, 0)
PV_OP(cpu, read_cr0, 1)
PV_OP(cpu, write_cr0, 0)
PV_OP(cpu, write_cr4, 0)
PV_OP(cpu, load_tr_desc, 0)
PV_OP(cpu, load_gdt, 0)
PV_OP(cpu, load_idt, 0)
PV_OP(cpu, set_ldt, 0)
PV_OP(cpu, store_tr, 1)
PV_OP(cpu, load_tls, 0)
PV_OP(cpu, load_gs_index, 0)
PV_OP(cpu, write_ldt_entry, 0)
PV_OP(cpu, write_gdt_entry, 0)
PV_OP(cpu, write_idt_entry, 0)
PV_OP(cpu, alloc_ldt, 0)
PV_OP(cpu, free_ldt, 0)
PV_OP(cpu, load_sp0, 0)
PV_OP(cpu, invalidate_io_bitmap, 0)
PV_OP(cpu, update_io_bitmap, 0)
PV_OP(cpu, wbinvd, 0)
PV_OP(cpu, cpuid, 0)
PV_OP(cpu, read_msr, 1)
PV_OP(cpu, write_msr, 0)
PV_OP(cpu, read_msr_safe, 1)
PV_OP(cpu, write_msr_safe, 1)
PV_OP(cpu, read_pmc, 1)
PV_OP(cpu, start_context_switch, 0)
PV_OP(cpu, end_context_switch, 0)

/* struct pv_irq_ops */
PV_OP(irq, save_fl, 1)
PV_OP(irq, irq_disable, 0)
PV_OP(irq, irq_enable, 0)
PV_OP(irq, safe_halt, 0)
PV_OP(irq, halt, 0)

/* struct pv_mmu_ops */
PV_OP(mmu, flush_tlb_user, 0)
PV_OP(mmu, flush_tlb_kernel, 0)
PV_OP(mmu, flush_tlb_one_user, 0)
PV_OP(mmu, flush_tlb_multi, 0)
PV_OP(mmu, tlb_remove_table, 0)
PV_OP(mmu, exit_mmap, 0)
PV_OP(mmu, notify_page_enc_status_changed, 0)
PV_OP(mmu, read_cr2, 1)
PV_OP(mmu, write_cr2, 0)
PV_OP(mmu, read_cr3, 1)
PV_OP(mmu, write_cr3, 0)
PV_OP(mmu, enter_mmap, 0)
PV_OP(mmu, pgd_alloc, 1)
PV_OP(mmu, pgd_free, 0)
PV_OP(mmu, alloc_pte, 0)
PV_OP(mmu, alloc_pmd, 0)
PV_OP(mmu, alloc_pud, 0)
PV_OP(mmu, alloc_p4d, 0)
PV_OP(mmu, release_pte, 0)
PV_OP(mmu, release_pmd, 0)
PV_OP(mmu, release_pud, 0)
PV_OP(mmu, release_p4d, 0)
PV_OP(mmu, set_pte, 0)
PV_OP(mmu, set_pmd, 0)
PV_OP(mmu, set_pud, 0)
PV_OP(mmu, set_p4d, 0)
PV_OP(mmu, set_pgd, 0)
PV_OP(mmu, ptep_modify_prot_start, 1)
PV_OP(mmu, ptep_modify_prot_commit, 0)
PV_OP(mmu, pte_val, 1)
PV_OP(mmu, make_pte, 1)
PV_OP(mmu, pmd_val, 1)
PV_OP(mmu, make_pmd, 1)
PV_OP(mmu, pud_val, 1)
PV_OP(mmu, make_pud, 1)
PV_OP(mmu, p4d_val, 1)
PV_OP(mmu, make_p4d, 1)
PV_OP(mmu, pgd_val, 1)
PV_OP(mmu, make_pgd, 1)
PV_OP(mmu, lazy_mode.enter, 0)
PV_OP(mmu, lazy_mode.leave, 0)
PV_OP(mmu, lazy_mode.flush, 0)
PV_OP(mmu, set_fixmap, 0)

/* struct pv_apic_ops */
PV_OP(apic, read, 1)
PV_OP(apic, write, 0)
PV_OP(apic, eoi, 0)
PV_OP(apic, icr_read, 1)
PV_OP(apic, icr_write, 0)
PV_OP(apic, wait_icr_idle, 0)

/* struct pv_lock_ops */
#if !defined(__KERNEL__) || defined(CONFIG_PARAVIRT_SPINLOCKS)
PV_OP(lock, queued_spin_lock_slowpath, 0)
PV_OP(lock, queued_spin_unlock, 0)
PV_OP(lock, wait, 0)
PV_OP(lock, kick, 0)
PV_OP(lock, vcpu_is_preempted, 1)
#endif
