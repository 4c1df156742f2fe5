#!/bin/sh
# make check: every test suite, each ending in "N passed, N failed", then a
# grand total in the same form.  Expects `make all kernel-kunit` done.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
loader=$build/bin/xlibos

make --no-print-directory -s -C "$root/loader" test-build run-test-build >/dev/null || exit 1

exec sh "$root/tests/run_suites.sh" \
	"$build/tests/loader/test_loader_options" \
	"sh $root/tests/loader/bad_input.sh $loader" \
	"sh $root/tests/loader/fake_boot.sh $loader $build/tests/loader" \
	"$build/tests/loader/test_run" \
	"sh $root/tests/run/options.sh $loader" \
	"sh $root/tests/run/pack.sh $loader $build/tests/loader/fake.img" \
	"sh $root/tests/security/rootfs.sh $loader $build/tests/loader/fake.img" \
	"sh $root/tests/run/fake_run.sh $loader $build/tests/loader/fake.img" \
	"sh $root/tests/run/init.sh $loader $build/tests/loader/fake.img" \
	"make --no-print-directory -s -C $root/abcom test" \
	"sh $root/tests/boot/boot_tests.sh $loader $build/xlibos.img" \
	"sh $root/tests/guest/run_guest_tests.sh $loader $build/rootfs" \
	"sh $root/tests/guest/debug/run_debug_tests.sh $loader $build/rootfs" \
	"sh $root/tests/guest/hostdeath.sh $loader $build/rootfs" \
	"sh $root/tests/abcom_guest/run_abcom_tests.sh $loader $build/rootfs" \
	"sh $root/tests/security/abcom_tables.sh $loader $build/rootfs" \
	"sh $root/tests/shell/run_shell_tests.sh $loader" \
	"sh $root/tests/shell/leaks.sh $loader" \
	"sh $root/tests/security/sandbox.sh $loader" \
	"sh $root/tests/security/run_escape_tests.sh $loader $build/rootfs" \
	"sh $root/tests/security/lifecycle.sh $loader $build/rootfs" \
	"sh $root/tests/security/cpu_limits.sh $loader $build/rootfs" \
	"sh $root/tests/security/bigfile.sh $loader $build/rootfs" \
	"sh $root/tests/storage/pack_estimate.sh $loader $build/rootfs" \
	"sh $root/tests/storage/virtio_hostile.sh $loader $build/rootfs" \
	"sh $root/tests/storage/random_seed.sh $loader $build/rootfs" \
	"sh $root/tests/storage/rootfs_image.sh $build/tests/storage/image_get $loader $build/tests/loader/fake.img" \
	"sh $root/tests/storage/rootfs_image_overlay.sh $loader $build/tests/storage/image_get" \
	"sh $root/tests/storage/mkdisk.sh $loader" \
	"sh $root/tests/storage/volume.sh $loader $build/rootfs" \
	"sh $root/tests/storage/rootfs_writeback.sh $loader $build/rootfs" \
	"sh $root/tests/net/user_net.sh $loader $build/rootfs" \
	"sh $root/tests/net/tap_netns.sh $loader $build/rootfs" \
	"sh $root/tests/net/nginx.sh $loader" \
	"sh $root/tests/vsock/vsock.sh $loader $build/rootfs" \
	"sh $root/tests/run/teardown.sh $loader $build/rootfs" \
	"sh $root/tests/oci/bundles.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/hooks.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/pods.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/docker_shaped.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/fidelity.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/docker.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/containerd.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/podman.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/exec.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/writeback.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/pause.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/rootless.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/cgroups.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/seccomp_cache.sh $build/bin/xlibos-runtime $build/rootfs" \
	"sh $root/tests/oci/agent.sh" \
	"sh $root/tests/storage/debian_rootfs.sh $loader" \
	"sh $root/tests/storage/crash_fsync.sh $loader $build/rootfs" \
	"sh $root/tests/security/fuzz_regress.sh" \
	"python3 $root/tests/kunit/run_kunit.py --loader $loader --image $build/xlibos-kunit.img --expected $root/tests/kunit/expected-suites.txt --log $build/tests/kunit.log" \
	"sh $root/scripts/kselftest.sh --no-native" \
	"sh $root/scripts/checkpatch.sh $build/linux"
