#!/bin/sh
# The vm suite's hugetlb tests, run as its run_vmtests.sh runs them: with a
# pool of huge pages and a hugetlbfs mount.  Installed into the suite as
# hugetlb-map.sh, hugetlb-mremap.sh and hugetlb-madvise.sh (the name says
# which test).  vm.nr_hugepages is global: natively it is raised under a
# lock (the runner starts several tests at once) and put back.
PAGES=32
pool=/proc/sys/vm/nr_hugepages
here=$(cd "$(dirname "$0")" && pwd)

case $(basename "$0") in
hugetlb-map.sh) test=map_hugetlb ;;
hugetlb-mremap.sh) test=hugepage-mremap ;;
hugetlb-madvise.sh) test=hugetlb-madvise ;;
*) echo "hugetlb.sh: unknown test $0"; exit 1 ;;
esac
[ -x "$here/$test" ] || { echo "hugetlb.sh: $test not built"; exit 1; }
[ -w "$pool" ] || { echo "SKIP: $test needs root for $pool"; exit 4; }
if [ -z "${HUGETLB_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
	HUGETLB_LOCKED=1 exec flock /tmp/xlibos-kselftest-hugetlb.lock "$0"
fi

old=$(cat "$pool")
mnt=$(mktemp -d /tmp/hugetlbfs.XXXXXX) || exit 1
cleanup() {
	umount "$mnt" 2>/dev/null
	rmdir "$mnt"
	echo "$old" >"$pool"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
echo $((old + PAGES)) >"$pool"
if [ "$(cat "$pool")" -ne $((old + PAGES)) ]; then
	echo "SKIP: cannot add $PAGES huge pages to the pool"
	exit 4
fi
mount -t hugetlbfs none "$mnt" || exit 1
case $test in
map_hugetlb) "$here/map_hugetlb" 16 ;;
hugepage-mremap) "$here/hugepage-mremap" 10 "$mnt/huge_mremap" ;;
hugetlb-madvise) "$here/hugetlb-madvise" "$mnt/madvise-test" ;;
esac
