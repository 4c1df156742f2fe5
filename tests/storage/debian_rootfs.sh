#!/bin/sh
# A real image as the root: the cached Debian bookworm minbase tree
# (scripts/make-debian-rootfs.sh, ~220 MB with python3, sqlite3 and apt)
# booted with --mem 128M, which only works when xlibos serves it from a
# read-only ext4 image under an overlay instead of copying it into guest
# memory.  Compared with runc on the same directory (read-only root):
#   1. python3 -c 'print(6*7)' and `apt list --installed | wc -l`;
#   2. what the guest sees of its root: `ls -a /` (no /.xlibos), `ls -la /`,
#      stat of chosen files (size, links, mode, owner, group), and find's
#      metadata of every file under /etc /usr /var ... (directories without
#      their size, which mke2fs lays out its own way);
#   3. `mount` and `df -T /`: the root is an overlay;
#   4. writes in the container (new file, deleted file, appended file,
#      removed directory) are there in the same run, gone in the next, and
#      the host tree is unchanged (checksum of names, metadata, contents).
# usage: debian_rootfs.sh path/to/xlibos
# Needs root (debootstrap, runc); what cannot run here is skipped.
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".

# Single-quoted commands are expanded by the guest's shell.
# shellcheck disable=SC2016

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos" >&2
	exit 2
fi
xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib_storage.sh
. "$here/lib_storage.sh"

MEM=128M
# Files whose stat must agree: a plain file, a 0640 file of group shadow,
# the python3 symlink and its target, a hard-linked program (perl and
# perl5.36.0), a set-uid program, a set-gid directory, the /bin symlink.
STAT_FILES="/etc/passwd /etc/shadow /usr/bin/python3 /usr/bin/python3.11 \
/usr/bin/perl /usr/bin/passwd /var/mail /bin /usr/lib/x86_64-linux-gnu/libc.so.6"
FIND_DIRS="/etc /usr /var /root /home /opt /srv /boot /mnt /media"

storage_features
if ! debian_rootfs; then
	skip "Debian rootfs" "$why_debian"
	summary
	exit
fi
runc_ok=
have_runc && runc_ok=yes
before=$(tree_sum "$debian")

# runc's root gets every capability, as xlibos's has: the tree has
# directories only their owner may read (/etc/redis).
export RUNC_FULL_CAPS=1

# in_both DESC 'SHELL COMMAND' [FILTER]: run the command in xlibos and in
# runc on the Debian tree, pass each output through FILTER (a sed
# script), and require the same output and exit status.
in_both() {
	ib_desc=$1 ib_cmd=$2 ib_filter=${3:-}
	if [ -z "$runc_ok" ]; then
		skip "$ib_desc" "runc not usable here (needs root and runc)"
		return
	fi
	runc_run "$debian" -- sh -c "$ib_cmd" >"$scratch/runc.raw" 2>"$scratch/runc.err"
	ib_runc_rc=$?
	if [ -z "$has_ext4_root" ]; then
		skip "$ib_desc" "$why_ext4_root"
		return
	fi
	# --net none: runc's bare bundle has no network, so no resolv.conf or
	# hosts is written into the container's layer either.
	xl run --net none --mem "$MEM" --rootfs "$debian" -- sh -c "$ib_cmd" \
		>"$scratch/xl.raw" 2>"$scratch/xl.err"
	ib_xl_rc=$?
	sed -e "$ib_filter" "$scratch/runc.raw" >"$scratch/runc.out"
	sed -e "$ib_filter" "$scratch/xl.raw" >"$scratch/xl.out"
	if [ "$ib_xl_rc" -ne "$ib_runc_rc" ]; then
		cat "$scratch/xl.err" >"$out"
		not_ok "$ib_desc" "exit status: runc $ib_runc_rc, xlibos $ib_xl_rc"
	elif ! diff "$scratch/runc.out" "$scratch/xl.out" >"$out"; then
		not_ok "$ib_desc" "output differs (- runc, + xlibos):"
	else
		ok "$ib_desc"
	fi
	rm -f "$out"
}

# xl_expect DESC SUBSTRING 'SHELL COMMAND': in xlibos only, exit 0 and
# SUBSTRING in the output.
xl_expect() {
	if [ -z "$has_ext4_root" ]; then
		skip "$1" "$why_ext4_root"
		return
	fi
	expect "$1" 0 "$2" xl run --mem "$MEM" --rootfs "$debian" -- sh -c "$3"
}

# ---------------------------------------------------------------- programs

xl_expect "python3 runs with --mem $MEM" 42 'python3 -c "print(6*7)"'
in_both "python3 -c 'print(6*7)': same as runc" 'python3 -c "print(6*7)"'
in_both "apt list --installed | wc -l: same as runc" \
	'apt list --installed 2>/dev/null | wc -l'
in_both "apt-cache policy python3: same as runc" 'apt-cache policy python3'
in_both "sqlite3 in memory: same as runc" \
	'sqlite3 :memory: "create table t(a); insert into t values (1),(2); select sum(a) from t;"'

# ---------------------------------------------------------------- the root as seen

in_both "ls -a /: the same names (no /.xlibos)" 'ls -a /'
xl_expect "no /.xlibos in the guest's root" no-xlibos \
	'if [ -e /.xlibos ]; then ls -la /.xlibos; else echo no-xlibos; fi'
# Mount points (runc's and xlibos's own file systems), the root itself
# (an overlay's merged directory has its upper's size and link count 1)
# and the block total differ by design.
in_both "ls -la /: same modes, links, owners, sizes, times" \
	'ls -la --time-style=+%s /' \
	'/^total /d; / \.$/d; / \.\.$/d; / dev$/d; / proc$/d; / sys$/d; / tmp$/d; / run$/d; s/  */ /g'
# A directory's size is how its blocks were laid out (mke2fs -d packs
# them; the host's grew as packages were installed): not compared.
dir_size='/ directory$/s/^\([^ ]*\) [0-9]* /\1 - /'
in_both "stat -c '%s %h %a %U %G %Y' of chosen files: same as runc" \
	"stat -c '%n %s %h %a %U %G %Y %F' $STAT_FILES" "$dir_size"
in_both "stat -L of the same files: same as runc" \
	"stat -L -c '%n %s %h %a %U %G %Y %F' $STAT_FILES" "$dir_size"
# Every entry under the image's directories: type, links, mode, owner,
# group, size (not for directories), mtime in seconds, symlink target.
in_both "find: metadata of every file under $FIND_DIRS" \
	"find $FIND_DIRS -printf '%p %y %n %m %u %g %s %T@ %l\\n' | LC_ALL=C sort" \
	's/\( [0-9][0-9]*\)\.[0-9]* / \1 /; s/^\([^ ]* d [0-9]* [0-7]* [^ ]* [^ ]*\) [0-9]* /\1 - /'
in_both "sha256sum of every file under /usr/bin and /etc: same as runc" \
	'find /usr/bin /etc -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum'

xl_expect "mount: the root is an overlay" "overlay on / type overlay" 'mount'
[ -n "$has_ext4_root" ] && sed 's/^/#   xlibos: /' "$out"
xl_expect "df -T /: an overlay" "overlay" 'df -T / | awk "NR == 2 { print \$2 }"'
xl_expect "df -T /: sizes that add up" df-sane \
	'df -T / && df -P / | awk "NR == 2 && \$2 > 0 && \$3 <= \$2 && \$4 <= \$2 { print \"df-sane\" }"'
[ -n "$has_ext4_root" ] && sed 's/^/#   xlibos: /' "$out"
if [ -n "$runc_ok" ]; then
	runc_run "$debian" -- df -T / 2>&1 | sed 's/^/#   runc:   /'
fi

# ---------------------------------------------------------------- writes stay in the container

xl_expect "writes in the container: visible in the same run" wrote-all '
	echo hello > /root/new && rm /etc/motd && echo extra-user >> /etc/passwd &&
	rm -rf /usr/share/doc && mkdir /var/newdir && chmod 600 /etc/hostname &&
	[ "$(cat /root/new)" = hello ] && [ ! -e /etc/motd ] &&
	grep -q extra-user /etc/passwd && [ ! -e /usr/share/doc ] &&
	[ "$(stat -c %a /etc/hostname)" = 600 ] && echo wrote-all'
xl_expect "a 16 MB write into the overlay with --mem $MEM" big-ok \
	'head -c 16777216 /dev/zero > /var/big && [ "$(stat -c %s /var/big)" = 16777216 ] && echo big-ok'
xl_expect "writes in the container: gone in the next run" fresh '
	[ ! -e /root/new ] && [ -e /etc/motd ] && ! grep -q extra-user /etc/passwd &&
	[ -d /usr/share/doc ] && [ ! -e /var/newdir ] && [ ! -e /var/big ] &&
	[ "$(stat -c %a /etc/hostname)" = '"$(stat -c %a "$debian/etc/hostname")"' ] &&
	echo fresh'
after=$(tree_sum "$debian")
if [ "$before" = "$after" ]; then
	ok "the host tree is unchanged (names, metadata, contents)"
else
	not_ok "the host tree is unchanged (names, metadata, contents)" \
		"checksum before $before, after $after"
fi

summary
