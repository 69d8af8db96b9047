/* SPDX-License-Identifier: GPL-2.0 */
/* The vmi backend's state, for its tests. */
#ifndef _PV_VMI_H
#define _PV_VMI_H

#include "vmi_rom.h"

/* The copied call table: entry n at vmi_code + n * VMI_ENTRY_SIZE. */
extern u8 vmi_code[], vmi_code_end[];

/* The ROM in use (count 0 if none) and where it was found. */
extern struct vmi_rom_info vmi_rom;
extern unsigned long vmi_rom_phys;

#endif
