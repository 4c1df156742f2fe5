# shellcheck shell=sh
# Building guest test programs static, with musl-gcc and with gcc (glibc):
# sourced by tests/guest/run_guest_tests.sh and
# tests/abcom_guest/run_abcom_tests.sh after tests/lib.sh.
#
# Sets variants (the libcs that can be used), why_musl / why_glibc (why
# not), and offers
#   build_progs SRCDIR BUILDDIR HEADER "CFLAGS" PROG...
# which compiles SRCDIR/PROG.c into BUILDDIR/VARIANT/PROG unless it is newer
# than its source and HEADER, prints "not ok" for each that fails and lists
# those in build_failed ("VARIANT/PROG ...").

variants=
why_musl=
command -v musl-gcc >/dev/null 2>&1 && variants="musl" ||
	why_musl="musl-gcc not installed (apt-get install musl-tools)"
why_glibc=
if command -v gcc >/dev/null 2>&1 && [ -e "$(gcc -print-file-name=libc.a)" ]; then
	variants="$variants glibc"
else
	why_glibc="gcc or the static glibc (libc6-dev) not installed"
fi

# newer A B: A was modified after B.
newer() {
	[ -n "$(find "$1" -newer "$2" 2>/dev/null)" ]
}

# build_one VARIANT SRC BIN HEADER CFLAGS
build_one() {
	if [ -x "$3" ] && ! newer "$2" "$3" && ! newer "$4" "$3"; then
		return 0
	fi
	rm -f "$3"
	# Into a temporary name first: a concurrent run never sees half a binary.
	# shellcheck disable=SC2086
	case $1 in
	musl)	musl-gcc $5 -o "$3.$$" "$2" ;;
	glibc)	gcc $5 -o "$3.$$" "$2" ;;
	esac && mv -f "$3.$$" "$3"
}

build_progs() {
	bp_src=$1 bp_build=$2 bp_header=$3 bp_cflags=$4
	shift 4
	build_failed=
	for bp_variant in $variants; do
		mkdir -p "$bp_build/$bp_variant"
		for bp_prog in "$@"; do
			if ! build_one "$bp_variant" "$bp_src/$bp_prog.c" \
				"$bp_build/$bp_variant/$bp_prog" "$bp_header" "$bp_cflags" \
				>"$scratch/build.log" 2>&1; then
				cp "$scratch/build.log" "$out"
				not_ok "build $bp_prog ($bp_variant)" "compiler failed"
				rm -f "$out"
				build_failed="$build_failed $bp_variant/$bp_prog"
			fi
		done
	done
}
