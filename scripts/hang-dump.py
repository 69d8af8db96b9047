#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Say where every vCPU of a guest that stopped making progress is.

usage: hang-dump.py MONITOR_SOCKET [VMLINUX]

Asks QEMU's human monitor, on the Unix socket MONITOR_SOCKET, for every
vCPU's registers and the top of its stack, and prints, per vCPU, the
instruction pointer and the kernel text addresses found on the stack,
named from VMLINUX's symbols where it is given:

    hang: CPU 0: rip ffffffff8104c380 pv_step+0x40/0x90, irqs off
    hang: CPU 0: stack: pv_switch_cpu+0x3c multi_cpu_stop+0x92 ...

(", halted" follows a vCPU in HLT; the stack of a vCPU outside the
kernel's text is not read.)

The stack words are read, not unwound: an address on the stack is a
return address only most of the time. scripts/boot.sh runs this when a
boot times out, before it stops QEMU.
"""

import bisect
import re
import socket
import subprocess
import sys

STACK_WORDS = 64
IF_FLAG = 1 << 9


class Monitor:
    """QEMU's human monitor protocol: a command, the text up to the next
    prompt."""

    PROMPT = b"(qemu) "

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(20)
        self.sock.connect(path)
        self.buf = b""
        self._read_prompt()

    def _read_prompt(self):
        while self.PROMPT not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("the monitor closed")
            self.buf += data
        text, _, self.buf = self.buf.partition(self.PROMPT)
        return text.decode("utf-8", "replace")

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        out = self._read_prompt()
        # The monitor echoes the command line first (with terminal codes).
        return out.split("\n", 1)[1] if "\n" in out else ""


class Symbols:
    """Address -> function+offset/size from nm's listing."""

    def __init__(self, vmlinux):
        self.starts, self.names, self.sizes = [], [], []
        if not vmlinux:
            return
        out = subprocess.run(["nm", "-n", "-S", vmlinux], capture_output=True,
                             text=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) == 4 and f[2] in "tTwW":
                self.starts.append(int(f[0], 16))
                self.sizes.append(int(f[1], 16))
                self.names.append(f[3])

    def name(self, addr):
        i = bisect.bisect_right(self.starts, addr) - 1
        if i < 0 or addr >= self.starts[i] + max(self.sizes[i], 1):
            return None
        return "%s+%#x/%#x" % (self.names[i], addr - self.starts[i],
                               self.sizes[i])


def registers(mon):
    """Per vCPU: (index, rip, rsp, rflags, halted), from info registers -a
    (a vCPU not yet in long mode shows EIP and ESP)."""
    out = mon.cmd("info registers -a")
    cpus = []
    for block in re.split(r"\n(?=CPU#\d+)", "\n" + out):
        m = re.search(r"CPU#(\d+)", block)
        rip = re.search(r"[RE]IP=([0-9a-f]+)", block)
        rsp = re.search(r"[RE]SP=([0-9a-f]+)", block)
        rfl = re.search(r"[RE]FL=([0-9a-f]+)", block)
        if m and rip and rsp:
            cpus.append((int(m.group(1)), int(rip.group(1), 16),
                         int(rsp.group(1), 16),
                         int(rfl.group(1), 16) if rfl else 0,
                         "HLT=1" in block))
    return cpus


def stack_words(mon, cpu, rsp):
    mon.cmd("cpu %d" % cpu)
    out = mon.cmd("x/%dgx %#x" % (STACK_WORDS, rsp))
    words = []
    for line in out.splitlines():
        _, _, rest = line.partition(":")
        words += [int(w, 16) for w in rest.split()
                  if re.fullmatch(r"0x[0-9a-f]+", w)]
    return words


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.split("\n\n")[1])
    syms = Symbols(sys.argv[2] if len(sys.argv) == 3 else None)
    try:
        mon = Monitor(sys.argv[1])
        cpus = registers(mon)
        if not cpus:
            print("hang: the monitor gave no registers")
        for cpu, rip, rsp, rflags, halted in cpus:
            where = syms.name(rip) or "?"
            print("hang: CPU %d: rip %x %s, irqs %s%s" % (
                cpu, rip, where, "on" if rflags & IF_FLAG else "off",
                ", halted" if halted else ""))
            if not syms.starts or not syms.name(rip):
                continue
            found = [syms.name(w) for w in stack_words(mon, cpu, rsp)]
            print("hang: CPU %d: stack: %s" % (
                cpu, " ".join(n.split("/")[0] for n in found if n) or "-"))
    except (OSError, EOFError) as e:
        print("hang: no answer from the monitor (%s)" % e)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
