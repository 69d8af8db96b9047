/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The members of pv_ops as the kernel is linked: the native operations.
 * ops.c includes this list twice, as pv_ops's initialiser and as the
 * init-time copy pv_link_ops, which the probe compares pv_ops with to
 * find the operations the kernel's guest code set before it (Xen PV sets
 * most of them before start_kernel()).
 */
	/* CPU state */
	.cpu.io_delay			= native_io_delay,
	.cpu.get_debugreg		= pv_native_get_debugreg,
	.cpu.set_debugreg		= pv_native_set_debugreg,
	.cpu.read_cr0			= pv_native_read_cr0,
	.cpu.write_cr0			= native_write_cr0,
	.cpu.write_cr4			= native_write_cr4,
	.cpu.load_tr_desc		= native_load_tr_desc,
	.cpu.load_gdt			= native_load_gdt,
	.cpu.load_idt			= native_load_idt,
	.cpu.set_ldt			= native_set_ldt,
	.cpu.store_tr			= native_store_tr,
	.cpu.load_tls			= pv_native_load_tls,
	.cpu.load_gs_index		= native_load_gs_index,
	.cpu.write_ldt_entry		= native_write_ldt_entry,
	.cpu.write_gdt_entry		= native_write_gdt_entry,
	.cpu.write_idt_entry		= native_write_idt_entry,
	.cpu.alloc_ldt			= paravirt_nop,
	.cpu.free_ldt			= paravirt_nop,
	.cpu.load_sp0			= native_load_sp0,
#ifdef CONFIG_X86_IOPL_IOPERM
	.cpu.invalidate_io_bitmap	= native_tss_invalidate_io_bitmap,
	.cpu.update_io_bitmap		= native_tss_update_io_bitmap,
#else
	.cpu.invalidate_io_bitmap	= paravirt_nop,
	.cpu.update_io_bitmap		= paravirt_nop,
#endif
	.cpu.wbinvd			= pv_native_wbinvd,
	.cpu.cpuid			=
		(struct paravirt_cpuid_call) { .func = pv_native_cpuid },
	.cpu.read_msr			= PV_CALLEE_SAVE(pv_native_read_msr),
	.cpu.write_msr			= __PV_IS_CALLEE_SAVE(pv_native_write_msr),
	.cpu.read_msr_safe		= PV_CALLEE_SAVE(pv_native_read_msr_safe),
	.cpu.write_msr_safe		= PV_CALLEE_SAVE(pv_native_write_msr_safe),
	.cpu.read_pmc			= native_read_pmc,
	.cpu.start_context_switch	= PV_NOP,
	.cpu.end_context_switch		= PV_NOP,

	/* Interrupt flag and halt */
	.irq.save_fl		= __PV_IS_CALLEE_SAVE(pv_native_save_fl),
	.irq.irq_disable	= __PV_IS_CALLEE_SAVE(pv_native_irq_disable),
	.irq.irq_enable		= __PV_IS_CALLEE_SAVE(pv_native_irq_enable),
	.irq.safe_halt		= pv_native_safe_halt,
	.irq.halt		= native_halt,

	/* MMU */
	.mmu.flush_tlb_user	= native_flush_tlb_local,
	.mmu.flush_tlb_kernel	= native_flush_tlb_global,
	.mmu.flush_tlb_one_user	= native_flush_tlb_one_user,
	.mmu.flush_tlb_multi	= native_flush_tlb_multi,
	.mmu.tlb_remove_table	= native_tlb_remove_table,
	.mmu.exit_mmap		= paravirt_nop,
	.mmu.notify_page_enc_status_changed = paravirt_nop,
	.mmu.read_cr2		= __PV_IS_CALLEE_SAVE(pv_native_read_cr2),
	.mmu.write_cr2		= pv_native_write_cr2,
	.mmu.read_cr3		= pv_native_read_cr3,
	.mmu.write_cr3		= pv_native_write_cr3,
	.mmu.enter_mmap		= paravirt_nop,
	.mmu.pgd_alloc		= __paravirt_pgd_alloc,
	.mmu.pgd_free		= paravirt_nop,
	.mmu.alloc_pte		= PV_NOP,
	.mmu.alloc_pmd		= PV_NOP,
	.mmu.alloc_pud		= PV_NOP,
	.mmu.alloc_p4d		= PV_NOP,
	.mmu.release_pte	= PV_NOP,
	.mmu.release_pmd	= PV_NOP,
	.mmu.release_pud	= PV_NOP,
	.mmu.release_p4d	= PV_NOP,
	.mmu.set_pte		= __PV_IS_CALLEE_SAVE(pv_native_set_pte),
	.mmu.set_pmd		= __PV_IS_CALLEE_SAVE(pv_native_set_pmd),
	.mmu.set_pud		= __PV_IS_CALLEE_SAVE(pv_native_set_pud),
	.mmu.set_p4d		= native_set_p4d,
	.mmu.set_pgd		= native_set_pgd,
	.mmu.ptep_modify_prot_start	=
		__PV_IS_CALLEE_SAVE(pv_native_ptep_modify_prot_start),
	.mmu.ptep_modify_prot_commit	=
		__PV_IS_CALLEE_SAVE(pv_native_ptep_modify_prot_commit),
	.mmu.pte_val		= PV_IDENT,
	.mmu.make_pte		= PV_IDENT,
	.mmu.pmd_val		= PV_IDENT,
	.mmu.make_pmd		= PV_IDENT,
	.mmu.pud_val		= PV_IDENT,
	.mmu.make_pud		= PV_IDENT,
	.mmu.p4d_val		= PV_IDENT,
	.mmu.make_p4d		= PV_IDENT,
	.mmu.pgd_val		= PV_IDENT,
	.mmu.make_pgd		= PV_IDENT,
	.mmu.lazy_mode.enter	= PV_NOP,
	.mmu.lazy_mode.leave	= PV_NOP,
	.mmu.lazy_mode.flush	= PV_NOP,
	.mmu.set_fixmap		= native_set_fixmap,

	/* Local APIC: nothing until the kernel installs its APIC driver */
	.apic.read		= (void *)paravirt_ret0,
	.apic.write		= paravirt_nop,
	.apic.eoi		= paravirt_nop,
	.apic.icr_read		= (void *)paravirt_ret0,
	.apic.icr_write		= paravirt_nop,
	.apic.wait_icr_idle	= paravirt_nop,

#ifdef CONFIG_PARAVIRT_SPINLOCKS
	/* Spinlocks: the kernel's own native functions (paravirt-spinlocks.c) */
	.lock.queued_spin_lock_slowpath	= native_queued_spin_lock_slowpath,
	.lock.queued_spin_unlock	=
		PV_CALLEE_SAVE(__native_queued_spin_unlock),
	.lock.wait			= paravirt_nop,
	.lock.kick			= paravirt_nop,
	.lock.vcpu_is_preempted		=
		PV_CALLEE_SAVE(__native_vcpu_is_preempted),
#endif
