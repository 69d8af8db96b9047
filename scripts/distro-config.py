#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Debian's own kernel configuration, built with the paravirt layer.

usage: distro-config.py fetch CACHE_DIR
       distro-config.py make [--fragment FILE] TREE BUILD_DIR DEBIAN_CONFIG
                             [VAR=VALUE...]
       distro-config.py diff [--tree TREE] [--list FILE]
                             DEBIAN_CONFIG BUILD_CONFIG

fetch  puts Debian's amd64 configuration (from the package
       linux-config-6.12) in CACHE_DIR/distro/config.amd64_none_amd64,
       unless it is there already, and prints the package's version.
make   writes BUILD_DIR/.config: Debian's configuration, modules off
       (mod2noconfig), configs/distro.config merged in, olddefconfig;
       then checks that every option of the fragment took. VAR=VALUE
       (e.g. CC=...) is passed to each make of the tree. --fragment
       merges another fragment instead (configs/upstream.config, for
       the pristine tree's kernel of the same configuration).
diff   prints every symbol whose value differs between the two
       configurations, with its reason from configs/distro-diff.txt
       (the format is described there), and a total. Exits 1 if a
       difference has no reason or an entry of the list matches none.

Values: diff compares what two configurations give the kernel, not
what a user chose. A bool or tristate written "# CONFIG_X is not set"
(or =n) and one not written at all (its dependencies unmet) both have
the value n and define nothing for the code: diff treats them as equal.
(Read back by olddefconfig they differ, which is why the fragments still
write "is not set".) Kconfig writes "is not set" only for a bool or
tristate: a string, int or hex symbol that is absent has no value at
all, and differs from every value, "" and 0 included.
"""

import argparse
import fnmatch
import glob
import os
import re
import shutil
import subprocess
import sys
import time

PACKAGE = "linux-config-6.12"
FLAVOUR = "config.amd64_none_amd64"
MEMBER = "./usr/src/%s/%s.xz" % (PACKAGE, FLAVOUR)
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAGMENT = os.path.join(TOP, "configs", "distro.config")
DIFF_LIST = os.path.join(TOP, "configs", "distro-diff.txt")
ARCH = "x86_64"
SRCARCH = "x86"


def die(msg):
    print("distro-config: " + msg, file=sys.stderr)
    sys.exit(1)


def run(cmd, **kw):
    try:
        subprocess.run(cmd, check=True, **kw)
    except OSError as e:
        die("%s: %s" % (cmd[0], e.strerror))
    except subprocess.CalledProcessError as e:
        die("failed (exit %d): %s" % (e.returncode, " ".join(cmd)))


# --- fetch -------------------------------------------------------------------

def fetch(cache):
    where = os.path.join(cache, "distro")
    dest = os.path.join(where, FLAVOUR)
    stamp = dest + ".version"
    if not os.path.isfile(dest):
        os.makedirs(where, exist_ok=True)
        old = glob.glob(os.path.join(where, PACKAGE + "_*.deb"))
        for path in old:
            os.unlink(path)
        apt = ["apt-get", "download", "-q"]
        if os.geteuid() == 0:
            # root may write here, apt's _apt user may not
            apt += ["-o", "APT::Sandbox::User=root"]
        run(apt + [PACKAGE], cwd=where)
        debs = glob.glob(os.path.join(where, PACKAGE + "_*.deb"))
        if len(debs) != 1:
            die("apt-get download left %d packages in %s" %
                (len(debs), where))
        version = subprocess.run(["dpkg-deb", "-f", debs[0], "Version"],
                                 check=True, capture_output=True,
                                 text=True).stdout.strip()
        tmp = dest + ".tmp"
        with open(tmp, "wb") as out:
            deb = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", debs[0]],
                                   stdout=subprocess.PIPE)
            tar = subprocess.Popen(["tar", "-xOf", "-", MEMBER],
                                   stdin=deb.stdout, stdout=subprocess.PIPE)
            deb.stdout.close()
            xz = subprocess.Popen(["xz", "-d"], stdin=tar.stdout,
                                  stdout=out)
            tar.stdout.close()
            rcs = (xz.wait(), tar.wait(), deb.wait())
        if any(rcs) or os.path.getsize(tmp) == 0:
            os.unlink(tmp)
            die("cannot extract %s from %s" % (MEMBER, debs[0]))
        with open(stamp, "w") as f:
            f.write(version + "\n")
        os.replace(tmp, dest)
        os.unlink(debs[0])
    print("distro: %s from %s %s" % (dest, PACKAGE, read_version(dest)))


def read_version(config):
    try:
        with open(config + ".version") as f:
            return f.read().strip()
    except OSError:
        return "(version unknown)"


# --- make --------------------------------------------------------------------

def tree_version(tree):
    v = {}
    with open(os.path.join(tree, "Makefile")) as f:
        for line in f:
            m = re.match(r"(VERSION|PATCHLEVEL|SUBLEVEL) = (\d+)", line)
            if m:
                v[m.group(1)] = m.group(2)
            if len(v) == 3:
                break
    return "%s.%s.%s" % (v.get("VERSION"), v.get("PATCHLEVEL"),
                         v.get("SUBLEVEL"))


def make(tree, build, debian, make_vars, fragment=FRAGMENT):
    with open(debian) as f:
        head = f.read(400)
    m = re.search(r"Linux/\S+ (\S+) Kernel Configuration", head)
    if m and m.group(1) != tree_version(tree):
        print("distro-config: warning: %s is for Linux %s, the tree is %s"
              % (debian, m.group(1), tree_version(tree)), file=sys.stderr)
    print("config: %s (Debian's %s, %s)" %
          (build, FLAVOUR, read_version(debian)))
    os.makedirs(build, exist_ok=True)
    config = os.path.join(build, ".config")
    shutil.copyfile(debian, config)
    kmake = ["make", "-s", "-C", tree, "O=" + build, "ARCH=" + ARCH]
    kmake += make_vars
    try:
        run(kmake + ["mod2noconfig"])
        with open(os.path.join(build, "merge_config.log"), "w") as log:
            run([os.path.join("scripts", "kconfig", "merge_config.sh"),
                 "-m", "-O", build, config, fragment], cwd=tree, stdout=log)
        start = time.monotonic()
        run(kmake + ["olddefconfig"])
        took = time.monotonic() - start
        run([sys.executable, os.path.join(TOP, "scripts", "checkconfig.py"),
             config, fragment])
    except SystemExit:
        # no .config newer than its sources: make tries again next time
        if os.path.exists(config):
            os.replace(config, config + ".rejected")
            print("distro-config: kept as %s.rejected" % config,
                  file=sys.stderr)
        raise
    print("config: olddefconfig took %.1f s" % took)


# --- reading configurations --------------------------------------------------

SET_RE = re.compile(r"^(CONFIG_\w+)=(.*)$")
UNSET_RE = re.compile(r"^# (CONFIG_\w+) is not set$")
OFF = ("n", None)


def read_config(path):
    """{symbol: raw value}; "n" for "is not set"; absent is not a key."""
    values = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            m = SET_RE.match(line)
            if m:
                values[m.group(1)] = m.group(2)
                continue
            m = UNSET_RE.match(line)
            if m:
                values[m.group(1)] = "n"
    return values


def same(a, b):
    return a == b or (a in OFF and b in OFF)


def shown(v):
    return "absent" if v is None else v


# --- Kconfig: which symbols each symbol's value depends on -------------------

KEYWORD_RE = re.compile(r"^\s*([a-z_]+)(?=\s|$)\s*(.*)$")
QUOTED_RE = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
WORD_RE = re.compile(r"[A-Za-z0-9_]+")
CONST_RE = re.compile(r"^(?:[ymn]|-?\d+|0[xX][0-9a-fA-F]+)$")
ENTRY = ("config", "menuconfig")
BLOCK = ("menu", "choice", "if")
END = ("endmenu", "endchoice", "endif")
ATTR = ("depends", "default", "def_bool", "def_tristate", "bool",
        "tristate", "prompt", "string", "int", "hex")


def strip_comment(line):
    quote, escaped = None, False
    for i, c in enumerate(line):
        if escaped:
            escaped = False
        elif quote:
            if c == "\\":
                escaped = True
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#":
            return line[:i]
    return line


def strip_macros(text):
    """@text without its $(...) macro calls, nested ones included."""
    out, depth, i = [], 0, 0
    while i < len(text):
        if text.startswith("$(", i):
            depth += 1
            i += 2
            continue
        if depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
        else:
            out.append(text[i])
        i += 1
    return "".join(out)


def refs(expr):
    """The symbols an expression or attribute line names."""
    expr = QUOTED_RE.sub(" ", strip_macros(expr))
    return {w for w in WORD_RE.findall(expr) if not CONST_RE.match(w)}


def indent(line):
    return len(line.expandtabs(8)) - len(line.expandtabs(8).lstrip())


class Kconfig:
    """The symbols each symbol's value can depend on: what its
    definitions depend on (their own dependencies and those of the
    enclosing if, menu and choice blocks), what their prompts, defaults
    and types name, and the symbols that select or imply it, with their
    conditions. Only names are collected; nothing is evaluated."""

    def __init__(self, tree):
        self.tree = tree
        self.refs = {}
        self.files = 0
        self.parse("Kconfig", [])

    def add(self, sym, names):
        self.refs.setdefault(sym, set()).update(names)

    def lines(self, path):
        with open(path, encoding="utf-8", errors="replace") as f:
            raw = f.read().split("\n")
        i = 0
        while i < len(raw):
            line = raw[i]
            i += 1
            while line.endswith("\\") and i < len(raw):
                line = line[:-1] + " " + raw[i]
                i += 1
            m = KEYWORD_RE.match(line)
            if m and m.group(1) == "help":
                # the text ends at a line indented less than its first
                level = None
                while i < len(raw):
                    if raw[i].strip():
                        if level is None:
                            level = indent(raw[i])
                        if level == 0 or indent(raw[i]) < level:
                            break
                    i += 1
                continue
            yield strip_comment(line)

    def parse(self, rel, stack):
        path = os.path.join(self.tree, rel)
        if not os.path.isfile(path):
            return
        self.files += 1
        cur = None      # the symbol or block the attribute lines belong to
        for line in self.lines(path):
            m = KEYWORD_RE.match(line)
            if not m:
                continue
            key, rest = m.group(1), m.group(2)
            if key in ENTRY:
                cur = rest.split()[0] if rest.split() else None
                if cur:
                    for frame in stack:
                        self.add(cur, frame)
            elif key in BLOCK:
                # a menu's or choice's own dependencies follow its line
                frame = refs(rest) if key == "if" else set()
                stack.append(frame)
                cur = frame if key != "if" else None
            elif key in END:
                if stack:
                    stack.pop()
                cur = None
            elif key in ("comment", "mainmenu"):
                cur = None
            elif key == "source":
                name = rest.strip().strip("\"")
                name = name.replace("$(SRCARCH)", SRCARCH)
                name = name.replace("$(HEADER_ARCH)", SRCARCH)
                cur = None
                if "$" not in name:
                    self.parse(name, stack)
            elif key in ("select", "imply") and isinstance(cur, str):
                words = rest.split()
                if words:
                    self.add(words[0], {cur} | refs(" ".join(words[1:])))
            elif key == "depends" and isinstance(cur, set):
                cur.update(refs(re.sub(r"^on\b", "", rest)))
            elif key in ATTR and isinstance(cur, str):
                self.add(cur, refs(re.sub(r"^on\b", "", rest)))


# --- the list of expected differences ----------------------------------------

TOKEN_RE = re.compile(r"(?:\"(?:[^\"\\]|\\.)*\"|[^\s\"])+")
ALT_RE = re.compile(r"\"(?:[^\"\\]|\\.)*\"|[^|]+")
CLASSES = {
    "y": lambda v: v == "y",
    "m": lambda v: v == "m",
    "n": lambda v: v == "n",
    "absent": lambda v: v is None,
    "off": lambda v: v in OFF,
    "any": lambda v: True,
}
FLAGS = ("follows", "optional")


class Entry:
    def __init__(self, where, text, reason, group):
        self.where, self.text = where, text
        self.reason, self.group = reason, group
        self.used = 0
        toks = TOKEN_RE.findall(text)
        if len(toks) < 4 or toks[2] != "->" or \
                any(t not in FLAGS for t in toks[4:]):
            raise ValueError("expected: SYMBOL DEBIAN -> BUILT [%s]" %
                             "] [".join(FLAGS))
        self.glob = toks[0] if toks[0].startswith("CONFIG_") or \
            toks[0] == "*" else "CONFIG_" + toks[0]
        self.debian = self.values(toks[1])
        self.built = self.values(toks[3])
        self.follows = "follows" in toks[4:]
        self.optional = "optional" in toks[4:]

    @staticmethod
    def values(tok):
        tests = []
        for alt in ALT_RE.findall(tok):
            if alt in CLASSES:
                tests.append(CLASSES[alt])
            elif re.match(r"^(\".*\"|-?\d+|0[xX][0-9a-fA-F]+)$", alt):
                tests.append(lambda v, alt=alt: v == alt)
            else:
                raise ValueError("bad value %r" % alt)
        return tests

    def matches(self, sym, debian, built):
        return fnmatch.fnmatchcase(sym, self.glob) and \
            any(t(debian) for t in self.debian) and \
            any(t(built) for t in self.built)


def read_list(path):
    entries, reason, group = [], None, 0
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            where = "%s:%d" % (os.path.relpath(path), n)
            if line.startswith("["):
                if not line.endswith("]") or len(line) < 3:
                    die("%s: a reason is written [REASON]" % where)
                reason, group = line[1:-1].strip(), group + 1
                continue
            if reason is None:
                die("%s: entry before the first [REASON]" % where)
            try:
                entries.append(Entry(where, line, reason, group))
            except ValueError as e:
                die("%s: %s" % (where, e))
    return entries


# --- diff --------------------------------------------------------------------

def explain(diffs, entries, kconfig):
    """{symbol: (entry, note)} for the differences the list explains.

    A plain entry is tried first, the first that matches in the list's
    order. A difference no plain entry matches may then be explained by
    a "follows" entry: when among the symbols its value depends on (see
    Kconfig) at least one differs and every one that differs is
    explained by the same [REASON] group."""
    why = {}
    for sym in sorted(diffs):
        for e in entries:
            if not e.follows and e.matches(sym, *diffs[sym]):
                why[sym] = (e, "")
                break
    follows = [e for e in entries if e.follows]
    changed = bool(follows and kconfig)
    while changed:
        changed = False
        for sym in sorted(set(diffs) - set(why)):
            names = kconfig.refs.get(sym[len("CONFIG_"):], ())
            moved = sorted("CONFIG_" + s for s in names
                           if "CONFIG_" + s in diffs and
                           "CONFIG_" + s != sym)
            if not moved or any(s not in why for s in moved):
                continue
            groups = {why[s][0].group for s in moved}
            for e in follows:
                if groups == {e.group} and e.matches(sym, *diffs[sym]):
                    note = ", ".join(moved[:3])
                    if len(moved) > 3:
                        note += " and %d more" % (len(moved) - 3)
                    why[sym] = (e, " (follows %s)" % note)
                    changed = True
                    break
    return why


def find_tree(build_config, tree):
    if tree:
        return tree
    source = os.path.join(os.path.dirname(os.path.abspath(build_config)),
                          "source")
    return source if os.path.isfile(os.path.join(source, "Kconfig")) \
        else None


def diff(debian_path, built_path, list_path, tree):
    debian = read_config(debian_path)
    built = read_config(built_path)
    entries = read_list(list_path)
    diffs = {}
    for sym in set(debian) | set(built):
        a, b = debian.get(sym), built.get(sym)
        if not same(a, b):
            diffs[sym] = (a, b)
    kconfig = None
    tree = find_tree(built_path, tree)
    if any(e.follows for e in entries):
        if tree:
            kconfig = Kconfig(tree)
        else:
            print("distro-config: no tree (--tree) to read Kconfig from: "
                  "no \"follows\" entry can match", file=sys.stderr)
    why = explain(diffs, entries, kconfig)
    for e, _ in why.values():
        e.used += 1
    bad = []
    for sym in sorted(diffs):
        a, b = diffs[sym]
        if sym in why:
            e, note = why[sym]
            reason = e.reason + note
        else:
            reason = "NOT EXPLAINED by %s" % os.path.relpath(list_path)
            bad.append(sym)
        print("%s: debian=%s built=%s: %s" % (sym, shown(a), shown(b),
                                              reason))
    # on stdout, in order, so that the log has them before the total
    stale = [e for e in entries if not e.used and not e.optional]
    if bad:
        print("not explained: %s" % " ".join(bad))
    for e in stale:
        print("stale entry: %s: %s" % (e.where, e.text))
    print("%d differences: %d explained, %d not explained; "
          "%d stale entries" % (len(diffs), len(diffs) - len(bad),
                                len(bad), len(stale)))
    return 1 if bad or stale else 0


def main():
    p = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1])
    sub = p.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fetch")
    f.add_argument("cache")
    m = sub.add_parser("make")
    m.add_argument("--fragment", default=FRAGMENT)
    m.add_argument("tree")
    m.add_argument("build")
    m.add_argument("debian")
    m.add_argument("make_vars", nargs="*", metavar="VAR=VALUE")
    d = sub.add_parser("diff")
    d.add_argument("--tree", help="the Linux tree whose Kconfig is read "
                   "(default: BUILD_CONFIG's directory's source link)")
    d.add_argument("--list", default=DIFF_LIST)
    d.add_argument("debian")
    d.add_argument("built")
    args = p.parse_args()
    if args.cmd == "fetch":
        fetch(args.cache)
    elif args.cmd == "make":
        for v in args.make_vars:
            if "=" not in v:
                die("not VAR=VALUE: %s" % v)
        make(args.tree, args.build, args.debian, args.make_vars,
             os.path.abspath(args.fragment))
    else:
        sys.exit(diff(args.debian, args.built, args.list, args.tree))


if __name__ == "__main__":
    main()
