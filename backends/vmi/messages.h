/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The formats of the vmi backend's messages that its tests read, as
 * arch/x86/paravirt/messages.h holds the core's. Each is printed with
 * pr_fmt's "paravirt: vmi: " in front and a newline after.
 */
#ifndef _PV_VMI_MESSAGES_H
#define _PV_VMI_MESSAGES_H

/*
 * A ROM accepted: its physical address, its ABI's major and minor
 * version, its size and its number of entries.
 */
#define PV_MSG_VMI_ROM "ROM at %#lx: ABI %u.%u, %u bytes, %u entries"

/*
 * A ROM refused by the validator: its physical address and the defect
 * (vmi_rom_error_name()), with the entry at fault where there is one.
 */
#define PV_MSG_VMI_REFUSED "ROM at %#lx refused: %s"
#define PV_MSG_VMI_REFUSED_ENTRY PV_MSG_VMI_REFUSED " (entry %d)"
/* ... and for a defect of an entry's code, the instruction's offset and bytes */
#define PV_MSG_VMI_REFUSED_CODE \
	PV_MSG_VMI_REFUSED " (entry %d, offset %u: %*ph)"

/* A ROM whose rebuilt code does not fit the kernel's room: the entry. */
#define PV_MSG_VMI_NO_ROOM \
	"ROM at %#lx refused: its code does not fit the kernel's room for it (entry %d)"

/*
 * An entry called through a wrapper: the entry, and for one that clobbers
 * registers a callee-save site must keep, its clobber mask (PV_CLOBBER_*).
 */
#define PV_MSG_VMI_WRAP_POINTERS \
	"entry %u takes pointers: called through a wrapper that passes the registers"
#define PV_MSG_VMI_WRAP_HALVES \
	"entry %u takes the value in halves: called through a wrapper that splits it"
#define PV_MSG_VMI_WRAP_CLOBBERS \
	"entry %u clobbers %#x: called through a wrapper that saves them"

#endif
