#!/bin/sh
# Prepare the kernel source tree: extract Debian's linux-source-6.1 once,
# apply linux-patches/series, and link the arch port in as arch/xlibos.
# An edited series or patch is applied to a freshly extracted tree, never on
# top of a half-patched one.
#
# usage: prepare-kernel.sh TARBALL SRCDIR PATCHDIR ARCHDIR
set -eu

tarball=$1 src=$2 patches=$3 arch=$4

if [ ! -r "$tarball" ]; then
	echo "prepare-kernel: $tarball not found; run scripts/install-deps.sh" >&2
	exit 1
fi

# Identity of what the tree must contain: the tarball and every patch.
stamp_of() {
	{
		ls -l --time-style=+%s "$tarball" | awk '{print $5, $6}'
		cat "$patches/series"
		for p in $(grep -v '^#' "$patches/series"); do
			sha256sum "$patches/$p"
		done
	} | sha256sum | cut -d' ' -f1
}

want=$(stamp_of)
if [ -f "$src/.xlibos-prepared" ] && [ "$(cat "$src/.xlibos-prepared")" = "$want" ]; then
	[ -L "$src/arch/xlibos" ] || ln -sfn "$arch" "$src/arch/xlibos"
	exit 0
fi

echo "  PREPARE $src (extract $(basename "$tarball"), apply $(grep -vc '^#' "$patches/series" || true) patches)"
tmp=$src.tmp
rm -rf "$tmp" "$src"
mkdir -p "$tmp"
tar -xf "$tarball" -C "$tmp" --strip-components=1
for p in $(grep -v '^#' "$patches/series"); do
	patch -d "$tmp" -p1 --batch --forward --quiet < "$patches/$p" || {
		echo "prepare-kernel: patch $p does not apply" >&2
		rm -rf "$tmp"
		exit 1
	}
done
ln -sfn "$arch" "$tmp/arch/xlibos"
echo "$want" > "$tmp/.xlibos-prepared"
mv "$tmp" "$src"
