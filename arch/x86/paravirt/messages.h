/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The formats of the messages of the core that its tests read. The KUnit
 * suites format the same strings and look for them on the console, and
 * make check turns them into the patterns it reads the boots' logs with
 * (kmsg() in tests/check/lib.py), so a message and its tests cannot drift
 * apart. Each is printed with pr_fmt's "paravirt: " in front and a newline
 * after, unless its comment says otherwise. A backend's messages are in
 * its own messages.h.
 */
#ifndef _PARAVIRT_CORE_MESSAGES_H
#define _PARAVIRT_CORE_MESSAGES_H

/* --- the probe (probe.c) --- */

/*
 * The backend installed at boot: its name, the operations it provides and
 * those left native.
 */
#define PV_MSG_USING_BACKEND "using backend %s (%u operations of its own, %u native)"

/* A backend whose probe failed: its name and the probe's error. */
#define PV_MSG_NOT_AVAILABLE "backend %s: not available (%d)"

/*
 * A backend not probed because the kernel's guest code detected the
 * platform: the backend and the guest code's platform.
 */
#define PV_MSG_NOT_PROBED \
	"backend %s: not probed: the kernel's %s guest code owns this machine"

/* paravirt_refuse= named native, which is always probed. */
#define PV_MSG_NATIVE_NOT_REFUSED "native cannot be refused: it is the fallback"

/* paravirt= named no backend of this kernel: the name given. */
#define PV_MSG_BACKEND_UNKNOWN "unknown backend '%s', probing as usual"

/* The backend paravirt= named failed its probe: its name and the error. */
#define PV_MSG_FORCED_FAILED \
	"backend %s requested but its probe failed (%d), falling back to native"

/*
 * The kernel's guest code stored an operation after the probe, which the
 * layer keeps: the operation, the guest code's platform ("guest" when the
 * layer cannot name it) and the function stored.
 */
#define PV_MSG_GUEST_OP "operation %s set by the kernel's %s code: %ps"

/*
 * The kernel's guest code stored operations before the probe, which the
 * layer keeps: its platform ("guest" when the layer cannot name it) and
 * how many.
 */
#define PV_MSG_EARLY_GUEST_OPS \
	"operations set by the kernel's %s code before the probe: %u"

/*
 * An operation the kernel's guest code emptied (stored NULL in): the
 * operation and the platform. A call of it stops the kernel (BUG).
 */
#define PV_MSG_EMPTY_OP \
	"operation %s left empty by the kernel's %s code: calling it is a bug"

/* --- the boot pass and the census of the sites (patch.c, report.c) --- */

/* paravirt_mode= with a value that names no mode: the value. */
#define PV_MSG_MODE_UNKNOWN "unknown value '%s' for paravirt_mode=, ignored"

/*
 * The forms of a group of sites: what the group is (one of the three
 * below), the number of sites, and how many are inline, direct, nop and
 * indirect. With the mode when it is not "patch": PV_MSG_FORMS_MODE.
 */
#define PV_MSG_FORMS "%s: %u sites: %u inline, %u direct, %u nop, %u indirect"
#define PV_MSG_FORMS_MODE PV_MSG_FORMS " (mode %s)"

/* The groups: the boot pass's sites, by the active backend's name ... */
#define PV_MSG_FORMS_BACKEND "backend %s"
/* ... the APIC sites, by the APIC driver's name ... */
#define PV_MSG_FORMS_APIC "APIC driver %s"
/* ... and the lock sites. */
#define PV_MSG_FORMS_LOCKS "lock operations"

/* The boot pass refused sites (each named before): how many. */
#define PV_MSG_REFUSED_COUNT "%u sites refused and left as they were"

/* How many APIC sites hold bytes of no known form. */
#define PV_MSG_APIC_FOREIGN \
	"%u APIC sites hold neither their form nor the compiler's bytes"

/* A site record that names no operation or has an impossible length. */
#define PV_MSG_BAD_RECORD "bad site record at %pS: op %u len %u"

/*
 * The boot pass, a module's pass or a scratch pass found bytes at a site
 * that are neither its form nor the compiler's: the site, the operation,
 * the bytes found and the compiler's.
 */
#define PV_MSG_SITE_REFUSED "refusing site %pS (%s): found %*ph, expected %*ph"

/*
 * A module's records are not usable: the module, and for a record that
 * points outside the module's memory, its index. The module's sites stay
 * indirect.
 */
#define PV_MSG_MODULE_PARTIAL_RECORD \
	"%s: .parainstructions is not a whole number of records, leaving its sites indirect"
#define PV_MSG_MODULE_RECORD_OUTSIDE \
	"%s: site record %u points outside the module, leaving its sites indirect"

/* --- re-patching (repatch.c, apic.c, debugfs.c) --- */

/* A re-patch request failed as a whole because of one site's bytes. */
#define PV_MSG_REPATCH_REFUSED \
	"re-patch refused: site %pS (%s) holds %*ph, neither its current form nor the compiler's"

/*
 * A request gave up (-EBUSY) after trying for PV_REPATCH_BUSY_MS: the
 * tries, the task stopped inside a changing site, and where.
 */
#define PV_MSG_REPATCH_BUSY \
	"re-patch failed after %u tries: task %d stayed inside a site at %pS"
/* The same, for a task whose stack the unwinder could not walk. */
#define PV_MSG_REPATCH_UNWALKED \
	"re-patch failed after %u tries: the stack of task %d could not be walked"

/*
 * The sites could not be re-patched for a new APIC driver: the driver's
 * name and the error.
 */
#define PV_MSG_APIC_NOT_REPATCHED "APIC driver %s: sites not patched again (%d)"

/* The control file refused a request it does not know: the request. */
#define PV_MSG_CONTROL_UNKNOWN_REQUEST "control: unknown request '%s'"

/*
 * The control file refused a switch to a backend: its name, and "unknown"
 * or "not available" (its probe failed).
 */
#define PV_MSG_CONTROL_BACKEND "control: backend '%s' is %s"

/*
 * Why PV_MSG_CONTROL_BACKEND refuses every backend in a Xen PV guest: a
 * part of that message, not a message of its own.
 */
#define PV_MSG_XEN_PV_NO_SWITCH "refused: a Xen PV guest runs Xen's operations only"

/* --- the banner (ops.c) --- */

/*
 * The kernel's default banner (x86_init.oem.banner, which a guest may
 * replace): the platform's name in pv_info. Printed without a prefix, as
 * the kernel prints it without the layer.
 */
#define PV_MSG_BANNER "Booting paravirtualized kernel on %s"

#endif
