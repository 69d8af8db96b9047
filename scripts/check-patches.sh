#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks of the patch series written by scripts/mkpatches.py (make patches):
#
#   series        the series file names existing patches, and a cover
#                 letter is there
#   format NAME   each patch is format-patch output with a From line, a
#                 subject under 75 columns, a description (lines of at
#                 most 75 columns) and a Signed-off-by line
#   git-am        the series applies with git am to the pristine commit of
#                 mkpatches' repository, checked out as a new worktree
#   am-is-series  the result is the tree of mkpatches' last commit
#   patch-p1      the series applies with patch -p1 (each patch tried with
#                 --dry-run first) to a second extraction of the tarball
#   patch-is-am   that tree equals the git am result (so the pristine
#                 commit is the tarball and both tools agree)
#   graft-equal   every file the series adds or changes equals the file
#                 graft.py makes, run against a scratch
#                 copy of the files the graft touches; the documentation
#                 equals the project's Documentation/*.rst
#   graft-covered every file the graft copies or edits is in the series
#
# usage: scripts/check-patches.sh [PATCH_DIR]
#
# PATCH_DIR defaults to $PVLAYER_CACHE/patches. The trees are left in
# $PVLAYER_CACHE/patches-work/check/{am,patch} for a build. Every check
# prints PASS or FAIL and its name; the last line is "N passed, N failed".
# The checks are functions called through check().
# shellcheck disable=SC2317
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/results.sh"
cd "$top" || exit 2
: "${PVLAYER_CACHE:=/var/cache/pvlayer}"
: "${LINUX_TARBALL:=/usr/src/linux-source-6.12.tar.xz}"
patches=${1:-$PVLAYER_CACHE/patches}
work=$PVLAYER_CACHE/patches-work
repo=$work/linux-source-6.12
check_dir=$work/check
am_tree=$check_dir/am
patch_tree=$check_dir/patch
graft_tree=$check_dir/graft
logs=$check_dir/logs

# git am records commits: give it an identity of its own.
export GIT_AUTHOR_NAME="pvlayer maintainers"
export GIT_AUTHOR_EMAIL=pvlayer@localhost
export GIT_COMMITTER_NAME="pvlayer maintainers"
export GIT_COMMITTER_EMAIL=pvlayer@localhost

series_ok() {
	[ -s "$patches/series" ] && [ -f "$patches/0000-cover-letter.patch" ] ||
		return 1
	local p
	while read -r p; do
		[ -f "$patches/$p" ] || { echo "missing: $p" >&2; return 1; }
	done <"$patches/series"
}

# format PATCH: the headers and the description of one patch.
format_ok() {
	python3 - "$1" <<'EOF'
import email, re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
errors = []
if not re.match(r"From [0-9a-f]{40} ", text):
    errors.append("no mbox From line")
msg = email.message_from_string(text)
subject = " ".join((msg["Subject"] or "").split())
subject = re.sub(r"^\[PATCH[^]]*\]\s*", "", subject)
if not subject:
    errors.append("no subject")
elif len(subject) >= 75:
    errors.append("subject of %d columns" % len(subject))
if not msg["From"]:
    errors.append("no From header")
body = msg.get_payload().split("\n---\n")[0]
lines = [l for l in body.strip().splitlines() if l.strip()]
if not any(not l.startswith("Signed-off-by:") for l in lines):
    errors.append("no description")
if not any(l.startswith("Signed-off-by: ") for l in lines):
    errors.append("no Signed-off-by")
for l in lines:
    if len(l) > 75:
        errors.append("description line over 75 columns: %s" % l)
for e in errors:
    sys.stderr.write("%s: %s\n" % (path, e))
sys.exit(1 if errors else 0)
EOF
}

new_worktree() {
	git -C "$repo" worktree add -q --detach "$1" pristine
}

apply_am() {
	new_worktree "$am_tree" || return 1
	local p list=()
	while read -r p; do
		list+=("$patches/$p")
	done <"$patches/series"
	git -C "$am_tree" am -q "${list[@]}" >"$logs/git-am.log" 2>&1 ||
		{ cat "$logs/git-am.log" >&2; return 1; }
}

am_is_series() {
	[ "$(git -C "$am_tree" rev-parse 'HEAD^{tree}')" = \
		"$(git -C "$repo" rev-parse 'series^{tree}')" ]
}

extract() {
	mkdir -p "$check_dir/x" &&
		tar -C "$check_dir/x" -xf "$LINUX_TARBALL" &&
		mv "$check_dir/x/linux-source-6.12" "$patch_tree" &&
		rmdir "$check_dir/x"
}

apply_patch() {
	local p
	while read -r p; do
		if ! patch -d "$patch_tree" -p1 -s --dry-run --no-backup-if-mismatch \
			<"$patches/$p" >>"$logs/patch.log" 2>&1; then
			echo "patch --dry-run: $p does not apply" >&2
			return 1
		fi
		patch -d "$patch_tree" -p1 -s --no-backup-if-mismatch \
			<"$patches/$p" >>"$logs/patch.log" 2>&1 || return 1
	done <"$patches/series"
}

# The tree hash of the patch(1) tree, through a scratch index of mkpatches'
# repository (the objects are shared; the repository is not changed).
patch_is_am() {
	local tree
	tree=$(GIT_INDEX_FILE=$check_dir/patch.index \
		git --git-dir="$repo/.git" --work-tree="$patch_tree" \
		add -A -f . && GIT_INDEX_FILE=$check_dir/patch.index \
		git --git-dir="$repo/.git" write-tree) || return 1
	rm -f "$check_dir/patch.index"
	[ "$tree" = "$(git -C "$am_tree" rev-parse 'HEAD^{tree}')" ]
}

# A scratch copy of the tree files the graft reads, taken from the tarball,
# and the graft on it.
make_graft() {
	local rel members=()
	mkdir -p "$graft_tree" || return 1
	while read -r rel; do
		git -C "$repo" cat-file -e "pristine:$rel" 2>/dev/null &&
			members+=("linux-source-6.12/$rel")
	done < <(python3 -B -c '
import sys
sys.path.insert(0, sys.argv[1])
import graft
for rel in sorted({e[1] for e in graft.EDITS} | set(graft.LINKS) |
                  {"arch/x86/kernel/paravirt.c"}):
    print(rel)
' "$top/scripts")
	tar -C "$graft_tree" --strip-components=1 -xf "$LINUX_TARBALL" \
		"${members[@]}" || return 1
	python3 -B "$top/scripts/graft.py" "$top" "$graft_tree" >"$logs/graft.log" 2>&1
}

# compare MODE: equal (series -> graft) or covered (graft -> series).
compare() {
	python3 -B - "$1" "$top" "$am_tree" "$graft_tree" "$base" <<'EOF'
import os, subprocess, sys
mode, top, am, gtree, base = sys.argv[1:]
top = os.path.realpath(top)
sys.path.insert(0, os.path.join(top, "scripts"))
import graft
DOC = "Documentation/virt/pvlayer/"
out = subprocess.run(["git", "-C", am, "diff", "--name-status", "-z",
                      "--no-renames", base, "HEAD"], check=True,
                     stdout=subprocess.PIPE).stdout.decode().split("\0")
changed = dict(zip(out[1::2], out[0::2]))
bad = 0
def fail(msg):
    global bad
    bad += 1
    sys.stderr.write("%s: %s\n" % (mode, msg))
def read(p):
    with open(p, "rb") as f:
        return f.read()
if mode == "equal":
    for rel, st in sorted(changed.items()):
        if st == "D":
            fail("%s deleted by the series" % rel)
            continue
        if rel.startswith(DOC):
            ref = os.path.join(top, "Documentation", rel[len(DOC):])
        else:
            ref = os.path.join(gtree, rel)
        if not os.path.isfile(ref):
            fail("%s is not in the graft" % rel)
        elif read(ref) != read(os.path.join(am, rel)):
            fail("%s differs from the graft" % rel)
else:
    want = {e[1] for e in graft.EDITS}
    for rel in graft.LINKS:
        path = os.path.join(gtree, rel)
        if os.path.isfile(path):
            want.add(rel)
            continue
        for d, _, names in os.walk(path):
            for n in names:
                want.add(os.path.relpath(os.path.join(d, n), gtree))
    for f in sorted(os.listdir(os.path.join(top, "Documentation"))):
        if f.endswith(".rst"):
            want.add(DOC + f)
    for rel in sorted(want):
        if rel not in changed:
            fail("%s is grafted but not in the series" % rel)
sys.exit(1 if bad else 0)
EOF
}

# --- start from scratch ----------------------------------------------------

if ! git -C "$repo" rev-parse -q --verify refs/tags/pristine >/dev/null ||
	! git -C "$repo" rev-parse -q --verify refs/heads/series >/dev/null; then
	echo "check-patches: no repository in $repo; run make patches first" >&2
	result FAIL series
	totals
fi
for t in "$am_tree" "$patch_tree"; do
	[ -d "$t" ] && git -C "$repo" worktree remove -f "$t" 2>/dev/null
done
rm -rf "$check_dir"
git -C "$repo" worktree prune
mkdir -p "$logs"

check series series_ok
while read -r p; do
	check "format $p" format_ok "$patches/$p"
done < <(cat "$patches/series" 2>/dev/null)

check git-am apply_am
base=$(git -C "$repo" rev-parse pristine)
check am-is-series am_is_series

check extract extract
check patch-p1 apply_patch
check patch-is-am patch_is_am

check graft make_graft
check graft-equal compare equal
check graft-covered compare covered

totals
