/* SPDX-License-Identifier: GPL-2.0 */
/* The vmi backend's state, for its tests. */
#ifndef _PV_VMI_H
#define _PV_VMI_H

#include "vmi_rom.h"

/*
 * The code rebuilt from the ROM's entries, operation n's at
 * vmi_code + vmi_start[n] (-1: not provided), and the ROM's call table as
 * it was published.
 */
extern u8 vmi_code[], vmi_code_end[];
extern int vmi_start[VMI_OP_COUNT];
extern u8 vmi_table[VMI_OP_COUNT * VMI_ENTRY_SIZE];
int vmi_op_of(const void *target);

/* The ROM in use (count 0 if none) and where it was found. */
extern struct vmi_rom_info vmi_rom;
extern unsigned long vmi_rom_phys;

/**
 * vmi_foreign_conversion - find a page-table conversion the kernel lacks
 * @info: the validated ROM
 * @table: its call table
 *
 * Without CONFIG_PARAVIRT_PTE_CONVERSIONS the kernel converts entries
 * natively, with no call site, so a ROM is usable only if each of its
 * conversion entries is absent or the inline identity (mov %rdi, %rax).
 *
 * Return: the first operation that converts otherwise, or -1.
 */
int vmi_foreign_conversion(const struct vmi_rom_info *info, const u8 *table);

struct pv_apic_ops;
unsigned int vmi_apic_apply(struct pv_apic_ops *ops, bool x2apic);

#endif
