#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.sh: run the kernel's checkpatch.pl over kmod/ (kernel style is
# a requirement of the module). checkpatch is not packaged on its own in
# Debian, so it is taken once from the linux-source package into .cache/.
# Prints "PASS checkpatch" or "FAIL checkpatch" with the report.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="$ROOT/.cache/checkpatch"
CP="$CACHE/scripts/checkpatch.pl"

fetch() {
	local tmp deb tarball
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	(cd "$tmp" && chmod 755 . && apt-get download -q linux-source-6.1 >/dev/null 2>&1)
	deb=$(ls "$tmp"/linux-source-6.1_*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.xz'
	tarball=$(ls "$tmp"/usr/src/linux-source-*.tar.xz)
	mkdir -p "$CACHE"
	# Only what checkpatch reads besides itself.
	tar -xJf "$tarball" -C "$CACHE" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
}

[ -x "$CP" ] || fetch

cd "$ROOT"
# ENOSYS: kmod/task.c reads the -ENOSYS the syscall entry code leaves in the
# saved ax (the check is for code that returns ENOSYS, not for this).
out=$(perl "$CP" --no-tree --terse --show-types \
	--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,ENOSYS \
	-f kmod/*.c kmod/*.h kmod/uapi/*.h 2>&1) || true
if printf '%s\n' "$out" | grep -qE ': (ERROR|WARNING|CHECK):'; then
	printf '%s\n' "$out"
	echo "FAIL checkpatch"
	exit 1
fi
echo "PASS checkpatch"
