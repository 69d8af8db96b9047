/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The formats of the messages the layer prints when it refuses a site or
 * a request. The KUnit suites format the same strings and look for them on
 * the console, so a message and its test cannot drift apart. Each is
 * printed with pr_fmt's "paravirt: " in front and a newline after.
 */
#ifndef _PARAVIRT_CORE_MESSAGES_H
#define _PARAVIRT_CORE_MESSAGES_H

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

/* A re-patch request failed as a whole because of one site's bytes. */
#define PV_MSG_REPATCH_REFUSED \
	"re-patch refused: site %pS (%s) holds %*ph, neither its current form nor the compiler's"

#endif
