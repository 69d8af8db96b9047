// SPDX-License-Identifier: GPL-2.0
/*
 * Console capture for the layer's KUnit suites: a probe on the printk
 * "console" tracepoint copies every message printed while a capture is on,
 * so that a test can check a message the layer prints, in the format the
 * layer prints it with (messages.h).
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <trace/events/printk.h>

#include "pv_console.h"

/*
 * Called for every message on any CPU, in any context (NMIs included), so
 * no lock: each message claims its room in the buffer with one atomic add.
 * The text comes without its level and without the trailing newline.
 */
static void pv_console_probe(void *data, const char *text, size_t len)
{
	struct pv_console *con = data;
	int end = atomic_add_return(len + 1, &con->used);
	int at = end - (int)len - 1;

	/* the last byte stays NUL: the buffer is always a string */
	if (end >= PV_CONSOLE_SIZE)
		return;
	memcpy(con->buf + at, text, len);
	con->buf[at + len] = '\n';
}

static void pv_console_release(void *data)
{
	pv_console_stop(data);
}

/**
 * pv_console_start - start catching console messages
 * @test: the running test; the capture ends with it if not stopped before
 * @con: where the messages go; emptied first
 *
 * A failure to register the probe fails @test.
 */
void pv_console_start(struct kunit *test, struct pv_console *con)
{
	memset(con, 0, sizeof(*con));
	KUNIT_ASSERT_EQ(test, register_trace_console(pv_console_probe, con), 0);
	con->on = true;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pv_console_release,
							con), 0);
}

/**
 * pv_console_stop - stop catching console messages
 * @con: a capture started with pv_console_start()
 *
 * After it returns no CPU writes to @con any more. Stopping twice is
 * harmless.
 */
void pv_console_stop(struct pv_console *con)
{
	if (!con->on)
		return;
	con->on = false;
	WARN_ON(unregister_trace_console(pv_console_probe, con));
	tracepoint_synchronize_unregister();
}

/**
 * pv_console_has - does any captured message contain a text?
 * @con: the capture, stopped or not
 * @text: the text looked for
 *
 * Return: true if @text is in the capture.
 */
bool pv_console_has(struct pv_console *con, const char *text)
{
	return strstr(con->buf, text);
}

/**
 * pv_console_expect - expect a message among those captured
 * @test: the running test; fails if the message was not printed
 * @con: the capture, stopped or not
 * @fmt: printf format of the message, as the layer prints it without
 *	 pr_fmt's prefix and newline
 *
 * The message is found if one of the captured lines ends with it. A
 * capture that overflowed fails @test too: a message missing from a full
 * buffer would otherwise read as not printed.
 */
void pv_console_expect(struct kunit *test, struct pv_console *con,
		       const char *fmt, ...)
{
	const char *line, *next;
	size_t want_len, len;
	bool found = false;
	va_list args;
	char *want;

	KUNIT_EXPECT_LT_MSG(test, atomic_read(&con->used), PV_CONSOLE_SIZE,
			    "console capture overflowed");
	want = kunit_kzalloc(test, PV_CONSOLE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	va_start(args, fmt);
	vsnprintf(want, PV_CONSOLE_SIZE, fmt, args);
	va_end(args);
	want_len = strlen(want);

	for (line = con->buf; *line && !found; line = next + 1) {
		next = strchrnul(line, '\n');
		len = next - line;
		found = len >= want_len &&
			!memcmp(line + len - want_len, want, want_len);
		if (!*next)
			break;
	}
	KUNIT_EXPECT_TRUE_MSG(test, found, "not printed: \"%s\"", want);
}
