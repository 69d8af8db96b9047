#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that every option of the fragments took effect in a .config.

usage: checkconfig.py DOTCONFIG FRAGMENT...

Kconfig silently drops a requested value whose dependencies are not met;
this names each such option and fails. The fragments are merged in the
order given, as merge_config.sh does: the last value of an option counts.
"""

import re
import sys


def read(path):
    opts = {}
    for line in open(path):
        line = line.strip()
        m = re.match(r"^(CONFIG_\w+)=(.*)$", line)
        if m:
            opts[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^# (CONFIG_\w+) is not set$", line)
        if m:
            opts[m.group(1)] = "n"
    return opts


def main():
    have = read(sys.argv[1])
    # merged in order: a later fragment's value of an option wins
    want = {}
    for frag in sys.argv[2:]:
        for opt, value in read(frag).items():
            want[opt] = (frag, value)
    bad = 0
    for opt, (frag, value) in want.items():
        got = have.get(opt, "n")
        if got != value:
            print("config: %s: %s=%s requested, got %s" %
                  (frag, opt, value, got), file=sys.stderr)
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
