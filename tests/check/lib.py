# SPDX-License-Identifier: GPL-2.0
"""What the checks of make check share: paths, commands, console logs,
KTAP, and the pool that boots guests while other checks run.

Nothing here decides what passes; the test_*.py files and the boot table
(boots.py) do.
"""

import concurrent.futures
import contextlib
import fnmatch
import glob
import hashlib
import importlib
import io
import itertools
import os
import re
import subprocess
import sys
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.environ.get("PVLAYER_CACHE", "/var/cache/pvlayer")
TREE = os.environ.get("TREE", os.path.join(CACHE, "linux-source-6.12"))
BUILD_ON = os.environ.get("BUILD_ON", os.path.join(CACHE, "build-on"))
BUILD_OFF = os.environ.get("BUILD_OFF", os.path.join(CACHE, "build-off"))
BUILD_DISTRO = os.environ.get("BUILD_DISTRO", os.path.join(CACHE, "build-distro"))
BUILD_KUNIT = os.path.join(CACHE, "build-kunit")
BUILD_W1 = os.path.join(CACHE, "build-w1")
LOGS = os.path.join(CACHE, "logs")
ROMS = os.path.join(CACHE, "rom")
INITRD_ON = os.path.join(CACHE, "initramfs.cpio")
INITRD_DISTRO = os.path.join(CACHE, "initramfs-distro.cpio")
NPROC = str(os.cpu_count() or 2)
# Switches of each re-patch storm.
STORM = int(os.environ.get("STORM", "300"))

ENV = dict(os.environ, PVLAYER_CACHE=CACHE, TREE=TREE, BUILD_ON=BUILD_ON,
           BUILD_OFF=BUILD_OFF, BUILD_DISTRO=BUILD_DISTRO)

sys.path.insert(0, os.path.join(TREE, "tools/testing/kunit"))


def log_path(name):
    os.makedirs(LOGS, exist_ok=True)
    return os.path.join(LOGS, name)


def run(cmd, log, env=None, cwd=TOP, append=False):
    """Run cmd (a list) with its output in LOGS/log; return its status."""
    with open(log_path(log), "a" if append else "w") as out:
        return subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, cwd=cwd,
                              env=env or ENV).returncode


# Tree files no kernel build reads: the project's checkers, which the
# graft copies with the rest of tests/, and the graft's own list.
_NOT_BUILT = ["arch/x86/paravirt/tests/check/*", "arch/x86/paravirt/tests/host/*",
              ".pvlayer-graft"]


def _build_key(build, cmd):
    """What a build in `build` by `cmd` was made from, but the files'
    times: the command and the configuration."""
    h = hashlib.sha256("\0".join(cmd).encode())
    with open(os.path.join(build, ".config"), "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def _built_since(stamp, key):
    """Whether the stamp says `key` was built and no tree file a build
    reads changed since."""
    try:
        with open(stamp) as f:
            if f.read().strip() != key:
                return False
    except OSError:
        return False
    find = ["find", TREE, "-newer", stamp, "-type", "f"]
    for pattern in _NOT_BUILT:
        find += ["!", "-path", os.path.join(TREE, pattern)]
    out = subprocess.run(find + ["-print", "-quit"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    return out.returncode == 0 and not out.stdout


def kmake(build, *targets, log, extra=()):
    """make in `build`, unless it built the same targets with the same
    configuration and no tree file changed since (kbuild itself takes
    one to two minutes on Debian's configuration to find nothing to do);
    the log of that build is kept, warnings and all."""
    cmd = ["make", "-s", "-C", TREE, "ARCH=x86_64", "CC=ccache gcc",
           "KBUILD_BUILD_USER=pvlayer", "KBUILD_BUILD_HOST=pvlayer",
           "O=" + build, *extra, *targets]
    stamp = os.path.join(build, ".pvlayer-built")
    key = _build_key(build, cmd)
    if _built_since(stamp, key) and os.path.exists(log_path(log)):
        return 0
    if os.path.exists(stamp):
        os.unlink(stamp)
    status = run(cmd, log)
    if status == 0:
        with open(stamp, "w") as f:
            f.write(key + "\n")
    return status


_times_lock = threading.Lock()


def timed(what, fn, *args):
    """fn(*args), with when it started and how long it took appended to
    LOGS/check-times.log."""
    start = time.strftime("%H:%M:%S")
    t0 = time.monotonic()
    try:
        return fn(*args)
    finally:
        with _times_lock, open(log_path("check-times.log"), "a") as f:
            f.write("%s %s %.1f s\n" % (start, what, time.monotonic() - t0))


def read_lines(path):
    """A console log as lines, without line ends; [] if there is none."""
    try:
        with open(path, errors="replace") as f:
            return [line.rstrip("\r\n").replace("\r", "") for line in f]
    except OSError:
        return []


def tail(path, n=30):
    return "\n".join(read_lines(path)[-n:])


def build_warnings(path):
    """The warning and error lines of a build log."""
    return [line for line in read_lines(path)
            if re.search(r"(warning|error):", line) and not line.startswith("date:")]


def grep(lines, regex):
    """The first line matching regex (Python syntax), or None."""
    rx = re.compile(regex)
    for line in lines:
        if rx.search(line):
            return line
    return None


# --- KUnit -------------------------------------------------------------------

KUNIT_DIR = os.path.join(TOP, "tests", "kunit")
_SUITE_RE = re.compile(r"static struct kunit_suite \w+ = \{(.*?)\n\};", re.S)
_CASES_RE = re.compile(r"static struct kunit_case (\w+)\[\] = \{(.*?)\n\};", re.S)


def kunit_suites():
    """{suite: [case, ...]} of the layer's KUnit suites, from their sources.

    Cases inside #ifdef are listed too: a case a kernel does not build is
    skipped by the check, not failed (its suite must still complete).
    """
    suites = {}
    for fname in sorted(os.listdir(KUNIT_DIR)):
        if not fname.endswith(".c"):
            continue
        with open(os.path.join(KUNIT_DIR, fname)) as f:
            text = f.read()
        arrays = {m.group(1): re.findall(r"KUNIT_CASE\w*\((\w+)", m.group(2))
                  for m in _CASES_RE.finditer(text)}
        for m in _SUITE_RE.finditer(text):
            name = re.search(r'\.name\s*=\s*"(\w+)"', m.group(1))
            cases = re.search(r"\.test_cases\s*=\s*(\w+)", m.group(1))
            if name and cases:
                suites[name.group(1)] = arrays.get(cases.group(1), [])
    return suites


def kunit_selected(cmdline):
    """[(suite, case)] a kernel booted with cmdline runs."""
    if "kunit.enable=0" in cmdline:
        return []
    glob = "*"
    for arg in cmdline:
        if arg.startswith("kunit.filter_glob="):
            glob = arg.split("=", 1)[1]
    sglob, _, cglob = glob.partition(".")
    return [(s, c) for s, cases in kunit_suites().items()
            if fnmatch.fnmatchcase(s, sglob)
            for c in cases if fnmatch.fnmatchcase(c, cglob or "*")]


# --- the init's checks ------------------------------------------------------

INIT_C = os.path.join(TOP, "tests", "init", "init.c")
# The init prefixes each of its lines with this, its KTAP included.
INIT_PREFIX = "pvlayer-init: "
# The init's KTAP, as one more suite.
INIT_SUITE = "pvlayer_init"
# How the init's checks that need the layer begin their SKIP reason.
INIT_NO_LAYER = "no paravirt layer"
_INIT_TABLE_RE = re.compile(r"\} cases\[\] = \{(.*?)\n\};", re.S)
_SKIP_RE = re.compile(r"^\s*(?:not )?ok [0-9]+ (?:- )?(.*?) # SKIP ?(.*)$")
# A line of a KTAP document, after the console's time stamp, if any.
_KTAP_RE = re.compile(r"^(?:\[[ 0-9.]*\] ?)?\s*(?:K?TAP version |1\.\.[0-9]|"
                      r"ok [0-9]|not ok [0-9]|#)")


def init_cases():
    """[case, ...] of the init, from its table in tests/init/init.c."""
    with open(INIT_C) as f:
        m = _INIT_TABLE_RE.search(f.read())
    return re.findall(r'\{ "(\w+)",', m.group(1)) if m else []


def doubled(lines):
    """Why @lines cannot be read, if each comes twice in a row, else None."""
    twice = sum(1 for a, b in zip(lines, lines[1:]) if a == b)
    if len(lines) >= 8 and 3 * twice >= len(lines):
        return ("%d of %d KTAP lines come twice in a row: two consoles "
                "on one log?" % (twice, len(lines)))
    return None


class Ktap:
    """The KUnit results of one console log, and the init's as the suite
    INIT_SUITE, read with the tree's parser."""

    def __init__(self, lines):
        # On a new machine the tree, and its tools/testing/kunit on
        # sys.path, appear only once the run has begun; an import before
        # that made Python remember the directory as missing.
        importlib.invalidate_caches()
        import kunit_parser
        import kunit_printer
        # the parser's own report is not wanted
        kunit_parser.stdout = kunit_printer.Printer(io.StringIO())
        self.status = kunit_parser.TestStatus
        self.cases = {}
        self.complete = {}
        self.skips = {}
        # the init's document is a KTAP document too: keep it out of the
        # kernel's, whether or not the kernel ran KUnit before it; and so
        # any other message of the kernel printed among the KTAP lines:
        # one between a test's "KTAP version" and its "# Subtest" loses
        # the parser the rest of the run
        kernel = [line for line in lines
                  if INIT_PREFIX not in line and _KTAP_RE.match(line)]
        init = [line.split(INIT_PREFIX, 1)[1] for line in lines
                if INIT_PREFIX in line]
        # Two consoles on one log (an early console kept beside the real
        # one) give every line twice, and the parser then took minutes
        # and gigabytes to make nothing of it: refuse such a log.
        self.unread = doubled(kernel + init)
        if self.unread:
            kernel, init = [], []
        for suite in self._suites(kunit_parser.parse_run_tests(kernel)):
            ran = self._add(suite.name, suite)
            # the parser stands a nameless crashed case in for each
            # planned case that never reported
            done = (suite.status != self.status.TEST_CRASHED and
                    suite.expected_count in (None, len(ran)))
            self.complete[suite.name] = (done, "%d of %s cases reported" %
                                         (len(ran), suite.expected_count))
        top = kunit_parser.parse_run_tests(init)
        ran = self._add(INIT_SUITE, top)
        # no document at all is no plan either
        done = (top.status not in (self.status.TEST_CRASHED,
                                   self.status.FAILURE_TO_PARSE_TESTS) and
                bool(ran) and top.expected_count == len(ran))
        if top.status == self.status.FAILURE_TO_PARSE_TESTS:
            self.complete[INIT_SUITE] = (False, self.unread or
                                         "no KTAP document")
        else:
            self.complete[INIT_SUITE] = (done, "%d of %s cases reported" %
                                         (len(ran), top.expected_count))
        for line in init:
            m = _SKIP_RE.match(line)
            if m:
                self.skips[(INIT_SUITE, m.group(1))] = m.group(2).strip()

    @staticmethod
    def _suites(top):
        """The suites wherever the parser put them: a kernel line printed
        between two KTAP lines can make it nest the whole run one level
        deeper, under a test of no name."""
        found = []
        todo = list(top.subtests)
        while todo:
            test = todo.pop(0)
            if test.name:
                found.append(test)
            else:
                todo = list(test.subtests) + todo
        return found

    def _add(self, suite, test):
        ran = [case for case in test.subtests if case.name]
        for case in ran:
            self.cases[(suite, case.name)] = case
        return ran

    def verdict(self, suite, case):
        """("pass"|"fail"|"skip"|None, detail): the case's diagnostic
        lines, for a skip its reason when the result line gives one."""
        test = self.cases.get((suite, case))
        if test is None:
            return None, ""
        log = "\n".join(test.log)
        if test.status == self.status.SUCCESS:
            return "pass", log
        if test.status == self.status.SKIPPED:
            return "skip", self.skips.get((suite, case)) or log
        return "fail", log


# --- the layer's messages ----------------------------------------------------

# The headers that hold the formats of the messages the checks read, each
# with what the kernel prints in front of its messages (the pr_fmt of the
# code that prints them; {name} is the backend's directory).
MESSAGE_HEADERS = [
    ("arch/x86/paravirt/messages.h", "paravirt: "),
    ("backends/*/messages.h", "paravirt: {name}: "),
    ("tests/module/messages.h", "pv_test_module: "),
]


class MessageError(LookupError):
    """A message kmsg() cannot make a pattern of: an unknown name, a
    define it cannot read, arguments that do not fit the format."""


class R(str):
    """A piece of regex that kmsg() takes as it is, where a plain str
    argument stands for its own text: R("[1-9][0-9]*"), R(r"\1")."""


_DEFINE_RE = re.compile(r"^\s*#\s*define\s+(PV_MSG_\w+)\s+(.*)$")
_TOKEN_RE = re.compile(r'\s*(?:"((?:[^"\\\n]|\\.)*)"|([A-Za-z_]\w*))')
_ESCAPE_RE = re.compile(r'\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}
_CONV_RE = re.compile(r"%(?P<flags>[-+ #0]*)(?P<width>\*|[0-9]+)?"
                      r"(?:\.(?P<prec>\*|[0-9]+))?(?:hh|h|ll|l|z|t|j)?"
                      r"(?P<conv>[diuxXsp%])(?P<ext>(?<=p)[A-Za-z0-9]*)?")
_SPECIAL_RE = re.compile(r"([.^$*+?{}\[\]\\|()])")
_messages = None


def _escape(text):
    """text as a regex: re.escape() without its escaped blanks, which
    would make the checks' names hard to read."""
    return _SPECIAL_RE.sub(r"\\\1", text)


def _unescape(text):
    def one(m):
        e = m.group(1)
        if e[0] == "x":
            return chr(int(e[1:], 16))
        if e[0] in "01234567":
            return chr(int(e, 8))
        return _ESCAPES.get(e, e)
    return _ESCAPE_RE.sub(one, text)


def _read_headers():
    """{name: (prefix, [tokens], header)} of every PV_MSG_ define; a token
    is a string literal's text or the name of another define."""
    defines = {}
    for pattern, prefix in MESSAGE_HEADERS:
        for path in sorted(glob.glob(os.path.join(TOP, pattern))):
            rel = os.path.relpath(path, TOP)
            name = os.path.basename(os.path.dirname(path))
            with open(path) as f:
                text = re.sub(r"\\\n", " ", f.read())
            for line in text.splitlines():
                m = _DEFINE_RE.match(line)
                if not m:
                    continue
                value, tokens, pos = m.group(2).rstrip(), [], 0
                while pos < len(value):
                    t = _TOKEN_RE.match(value, pos)
                    if not t:
                        raise MessageError("%s: cannot read the value of %s: %s"
                                           % (rel, m.group(1), value))
                    tokens.append(_unescape(t.group(1)) if t.group(1) is not None
                                  else R(t.group(2)))
                    pos = t.end()
                if m.group(1) in defines:
                    raise MessageError("%s: %s is defined in %s too" %
                                       (rel, m.group(1), defines[m.group(1)][2]))
                defines[m.group(1)] = (prefix.format(name=name), tokens, rel)
    return defines


def _format(name, defines, seen=()):
    """The format a define stands for, other defines' expanded."""
    if name not in defines:
        raise MessageError("no message %s in %s" % (
            name, ", ".join(p for p, _ in MESSAGE_HEADERS)))
    if name in seen:
        raise MessageError("%s is defined through itself" % name)
    return "".join(_format(t, defines, seen + (name,)) if isinstance(t, R) else t
                   for t in defines[name][1])


def messages():
    """{name: (prefix, format)} of the layer's messages, from the
    MESSAGE_HEADERS of the source tree (read once)."""
    global _messages
    if _messages is None:
        defines = _read_headers()
        _messages = {n: (d[0], _format(n, defines)) for n, d in defines.items()}
    return _messages


def _conversions(name, fmt):
    """The format as [text, conversion match, text, ...]."""
    parts, pos = [], 0
    for m in re.finditer(r"%", fmt):
        if m.start() < pos:
            continue
        c = _CONV_RE.match(fmt, m.start())
        if not c:
            raise MessageError("%s: a conversion kmsg() does not know: %r" %
                               (name, fmt[m.start():m.start() + 6]))
        parts += [fmt[pos:c.start()], c]
        pos = c.end()
    return parts + [fmt[pos:]]


def _default(c):
    """A pattern of whatever a conversion can print."""
    conv, flags, width = c.group("conv"), c.group("flags"), c.group("width")
    if conv == "s":
        return ".*?"
    if conv == "p":
        if c.group("ext").startswith("h"):
            return "[0-9a-f]{2}(?: [0-9a-f]{2})*"
        # a symbol (+offset/size), and its module's name for a module's
        return r"\S+(?: \[\S+\])?"
    digits = {"x": "[0-9a-f]", "X": "[0-9A-F]"}.get(conv, "[0-9]")
    least = int(width) if width and width != "*" and "0" in flags else 1
    base = "0" + conv if "#" in flags and conv in "xX" else ""
    least -= len(base)
    rx = "%s%s%s" % (base, digits, "+" if least <= 1 else "{%d,}" % least)
    return ("-?" if conv in "di" else "") + rx


def _argument(name, c, arg):
    """The pattern of one conversion for the caller's argument."""
    conv, flags, width = c.group("conv"), c.group("flags"), c.group("width")
    if arg is None:
        return _default(c)
    if isinstance(arg, R):
        return str(arg)
    if isinstance(arg, re.Pattern):
        return arg.pattern
    if isinstance(arg, bytes) and conv == "p" and c.group("ext").startswith("h"):
        return _escape(" ".join("%02x" % b for b in arg))
    if isinstance(arg, int) and not isinstance(arg, bool) and conv in "diuxX":
        # C prints no 0x for 0, whatever the flags
        spec = "%" + (flags.replace("#", "") if arg == 0 else flags) + \
            (width if width and width != "*" else "") + ("d" if conv == "u" else conv)
        return _escape(spec % arg)
    if isinstance(arg, str) or (conv == "s" and isinstance(arg, int) and
                                not isinstance(arg, bool)):
        return _escape(str(arg))
    raise MessageError("%s: %r is no argument of %s" % (name, arg, c.group(0)))


def kmsg(name, *args, prefix=None, end=False):
    """A regex (an R) matching the kernel message of format `name`, a
    PV_MSG_ define of MESSAGE_HEADERS, as it is printed.

    The text of the format is matched as it is, with the header's prefix
    in front unless `prefix` says otherwise ("" for a message printed
    without one, or for a piece given to another kmsg() as an argument).
    Each conversion is one position of `args`, in order; %% is none, and a
    conversion whose width is taken from an argument (%*ph: the length and
    the bytes) is still one. An argument is
      None     whatever the conversion can print: [0-9]+ for %u,
               -?[0-9]+ for %d, [0-9a-f]+ for %x (0x... for %#x, at least
               as many digits as a zero-padded width asks), .*? for %s, a
               symbol for %ps and %pS, hex bytes for %*ph;
      an int   the number as the conversion prints it;
      bytes    for %*ph, those bytes;
      a str    that text;
      an R or a compiled regex: that regex, such as R("[1-9][0-9]*"), a
               group or a back-reference (groups are numbered across the
               whole pattern; the rest of it has none).
    With `end`, the line must end there (trailing blanks allowed); a str
    `end` is appended as a regex.

    An unknown name, a format kmsg() cannot read or a number of arguments
    other than the format's raises MessageError: the boot table calls
    kmsg() when it is imported, so a renamed or changed message fails the
    collection of the checks, not a check that reads a log.
    """
    table = messages()
    if name not in table:
        raise MessageError("no message %s in %s" % (
            name, ", ".join(p for p, _ in MESSAGE_HEADERS)))
    header_prefix, fmt = table[name]
    parts = _conversions(name, fmt)
    convs = [c for c in parts[1::2] if c.group("conv") != "%"]
    if len(args) != len(convs):
        raise MessageError("%s takes %d arguments (%s), not %d" % (
            name, len(convs), " ".join(c.group(0) for c in convs), len(args)))
    args = iter(args)
    rx = _escape(header_prefix if prefix is None else prefix)
    for i, part in enumerate(parts):
        if i % 2 == 0:
            rx += _escape(part)
        elif part.group("conv") == "%":
            rx += "%"
        else:
            rx += _argument(name, part, next(args))
    rx += r"\s*$" if end is True else (end or "")
    try:
        re.compile(rx)
    except re.error as e:
        raise MessageError("%s: %s gives no regex (%s)" % (name, rx, e)) from None
    return R(rx)


def either(*regexes):
    """A regex matching where any of regexes does."""
    return R("(?:%s)" % "|".join(regexes))


# --- boots -------------------------------------------------------------------

class BootResult:
    def __init__(self, boot, ok, log, host_log=None, note=""):
        self.boot = boot
        self.ok = ok
        self.log = log
        self.host_log = host_log
        self.note = note
        self.lines = read_lines(log)
        self._ktap = None

    @property
    def ktap(self):
        if self._ktap is None:
            self._ktap = Ktap(self.lines)
        return self._ktap


# Held by a kernel build and by a guest of a hypervisor nested in QEMU
# (Xen, KVM): starved by a build, such a guest took many times as long,
# saw RCU stalls and once a triple fault of its emulated CPU.
NESTED_LOCK = threading.Lock()


class Pool:
    """Boots guests in the background on `cores` host cores, while the
    checks that need no guest go on.

    A boot starts as soon as its kernel is built, in the order the
    selected checks need them; a check waits only for its own boot.

    A guest of one TCG thread keeps one core busy (Boot.cores), and on
    two cores two of them run at the speed of one alone. A guest of
    several TCG threads, or of a real hypervisor nested in QEMU (Xen,
    KVM), runs alone: a vCPU that waits for another (a spinlock,
    stop_machine(), an IPI) spins while the host runs the other guest,
    and a Xen guest starved this way took ten times as long and saw RCU
    stalls.
    """

    def __init__(self, cores):
        self.cores = max(cores, 1)
        self.free = self.cores
        self.free_cv = threading.Condition()
        # Of the boots waiting, the first in the plan starts once the cores
        # it needs are free (a boot marked `early` counts as planned before
        # every other): a thread a boot, so that one waiting for every core
        # holds up no thread of the others. While the first cannot start,
        # the first of those that fit in the free cores does: a storm
        # waiting for both cores beside a long guest of one TCG thread
        # left the other core idle for minutes.
        self.waiting = {}
        self.late = itertools.count()
        self.rank = {}
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=64)
        self.lock = threading.Lock()
        self.order = []
        self.ready = set()
        self.futures = {}

    def plan(self, boots):
        self.order = list(boots)
        first = [b for b in boots if getattr(b, "early", False)]
        rest = [b for b in boots if b not in first]
        self.rank = {b.name: i for i, b in enumerate(first + rest)}

    @contextlib.contextmanager
    def hold(self, cores, rank=None):
        """Keep `cores` of the guests' cores (at most all) while inside,
        once no waiting boot of a lower rank (default: after every boot
        planned) is left."""
        need = min(cores, self.cores)
        with self.free_cv:
            me = len(self.rank) + next(self.late) if rank is None else rank
            self.waiting[me] = need
            self.free_cv.wait_for(lambda: self._next() == me)
            del self.waiting[me]
            self.free -= need
            self.free_cv.notify_all()
        try:
            yield
        finally:
            with self.free_cv:
                self.free += need
                self.free_cv.notify_all()

    def _next(self):
        """The waiting hold that may start now, or None; free_cv held."""
        fits = [r for r, need in self.waiting.items() if need <= self.free]
        if not fits:
            return None
        head = min(self.waiting)
        return head if head in fits else min(fits)

    def _start(self, boot):
        nested = NESTED_LOCK if boot.runner != "qemu" else \
            contextlib.nullcontext()
        with self.hold(boot.cores, self.rank.get(boot.name)), nested:
            return timed("boot " + boot.name, boot.start)

    def _submit(self, boot):
        self.futures[boot.name] = self.executor.submit(self._start, boot)

    def kernel_ready(self, kernel):
        with self.lock:
            self.ready.add(kernel)
            for boot in self.order:
                if boot.kernel in self.ready and boot.name not in self.futures:
                    self._submit(boot)

    def result(self, boot):
        with self.lock:
            if boot.name not in self.futures:
                self._submit(boot)
            fut = self.futures[boot.name]
        return fut.result()

    def shutdown(self):
        self.executor.shutdown(wait=True, cancel_futures=True)
