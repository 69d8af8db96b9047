#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install what building and booting the layer needs, from Debian's archive.
# Does nothing when everything is there already.
set -eu

PKGS="linux-source-6.12 qemu-system-x86 qemu-system-data seabios sparse
ccache gcc make flex bison bc cpio kmod libelf-dev libssl-dev dwarves
xz-utils python3 perl libc6-dev clang libclang-rt-14-dev python3-sphinx
python3-pytest python3-pytest-subtests git patch"

missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in
	"install ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
	--no-install-recommends $missing
