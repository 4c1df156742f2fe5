/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /.xlibos/config: what "xlibos run" asks the guest init to start.
 * Written by the loader (loader/run_config.c) into the initrd, read by
 * xlibos-init (loader/guest-init/config.c).  Both are built from this tree,
 * so the format is versioned only to catch a stale init binary.
 *
 *   "XLIBOS-CONFIG 1\n"			magic line
 *   TAG '\0' VALUE '\0'			records, repeated to end of file
 *
 * TAG is one of
 *   "argv"     one argument of the command, in order; at least one record
 *   "env"      "KEY=VALUE"; applied in order over init's defaults (PATH,
 *              HOME), a later KEY replaces an earlier one
 *   "workdir"  absolute directory to run in; at most once; default "/"
 *   "root"     block device (e.g. "/dev/vda") holding the image's ext4 file
 *              system: the root becomes an overlay of it (read-only) under
 *              a tmpfs; at most once; without it the initramfs is the root
 *   "disk"     "ro DEVICE DIR" or "rw DEVICE DIR": an ext4 disk mounted at
 *              the absolute DIR (the rest of the value, spaces included)
 *   "volume"   "ro TAG DIR" or "rw TAG DIR": a host directory shared live
 *              through virtio-9p (mount tag TAG), mounted at DIR
 *   "net"      "IFNAME ADDRESS/PREFIX GATEWAY MTU" (IPv4, e.g. "eth0
 *              10.0.2.15/24 10.0.2.2 65520"): the interface brought up with
 *              that address, MTU and default route (GATEWAY "-": none);
 *              at most once
 *   "net6"     "ADDRESS6/PREFIX GATEWAY6" (e.g. "fd00::15/64 fd00::2"): also
 *              that IPv6 address (no autoconfiguration) and default route
 *              on the interface of "net" (GATEWAY6 "-": no route); at most
 *              once, only with "net"
 *   "dns"      a name server's address for /etc/resolv.conf (written, with
 *              /etc/hosts and /etc/hostname, only where the image has
 *              none); at most once
 *   "hostname" the guest's host name, set before anything runs; at most
 *              once
 *   "writeback" TAG: with "root", the container's changes to its root (the
 *              overlay's upper layer) are applied at its end to the host
 *              directory shared through virtio-9p with mount tag TAG (the
 *              rootfs itself), as they would be there under runc; at most
 *              once
 *
 * Container records, written by xlibos-runtime (loader/oci/) through
 * "xlibos run --guest-records"; fields are separated by '\n' (no field
 * holds one), numbers are decimal unless said otherwise.  With any of
 * them, init mounts no tmpfs on /tmp (the container's mounts are its
 * config.json's, as under runc):
 *   "mount"    "TYPE\nFLAGS\nDATA\nDIR": mount(2) of TYPE (proc, sysfs,
 *              tmpfs, devpts, mqueue, cgroup2) on DIR (created if missing)
 *              with MS_* FLAGS (hex) and DATA (only the options
 *              mount_options.h allows TYPE; a tmpfs's may start with
 *              "tmpcopyup": it starts with a copy of DIR's files); a new
 *              tmpfs takes DIR's mode, as runc's; where init already
 *              mounted that type, it is remounted with FLAGS and DATA
 *              instead; in order
 *   "file"     "MODE\nFLAGS\nDIR\nHEX": a file bind mount's contents
 *              (HEX, two digits a byte) copied in at start, bind-mounted
 *              on DIR (created if missing), then remounted with FLAGS
 *              (hex MS_* flags: ro, nosuid, nodev, noexec, atime) if any,
 *              as runc does; MODE octal
 *   "sysctl"   "KEY\nVALUE": written to /proc/sys/KEY ('.' for '/')
 *   "mask"     PATH: hidden (an empty read-only tmpfs on a directory,
 *              /dev/null on a file), after the sysctls; a missing PATH is fine
 *   "rdonly"   PATH: bind-mounted read-only on itself, after the masks
 *   "rootro"   "1": the root is remounted read-only once all is mounted
 *   "user"     "UID GID [GID...]": the command runs as UID, GID, with the
 *              supplementary groups listed (none if none)
 *   "umask"    octal umask of the command
 *   "rlimit"   "RESOURCE SOFT HARD": setrlimit(2) for the command
 *              (RESOURCE an RLIMIT_* number, 18446744073709551615 infinity);
 *              the runtime writes one for every limit, its own where
 *              config.json names none (as runc's container inherits them)
 *   "nnp"      "1": the command runs with no_new_privs
 *   "caps"     "BOUNDING EFFECTIVE PERMITTED INHERITABLE AMBIENT": the
 *              command's capability sets, each a hex mask of CAP_* bits
 *              (the bounding set dropped to it before the user changes)
 *   "tty"      "ROWS COLS": the command runs on a guest pseudo-terminal of
 *              that size, relayed to the host's stdio (tty.c)
 *   "seccomp"  a seccomp BPF program (struct sock_filter array, hex) loaded
 *              for the command: last of all with "nnp", else before the
 *              user and capabilities change (it needs CAP_SYS_ADMIN then)
 *
 * VALUE may hold any byte except NUL (nor can argv or environment strings),
 * so newlines, spaces and non-UTF-8 bytes need no quoting.  The file ends
 * right after the last record's NUL; anything else is an error.
 */
#ifndef XLIBOS_GUEST_CONFIG_FORMAT_H
#define XLIBOS_GUEST_CONFIG_FORMAT_H

/* Guest files the loader adds to the rootfs, without the leading '/'. */
#define XLIBOS_GUEST_DIR	".xlibos"
#define XLIBOS_GUEST_INIT	".xlibos/init"
#define XLIBOS_GUEST_CONFIG	".xlibos/config"
/* abcom's site tables for the LibOS (XLIBOS_ABCOM_TABLES_FILE in the uapi) */
#define XLIBOS_GUEST_ABCOM_TABLES ".xlibos/abcom-tables"

#define XLIBOS_CONFIG_MAGIC	"XLIBOS-CONFIG 1\n"

#define XLIBOS_CONFIG_ARGV	"argv"
#define XLIBOS_CONFIG_ENV	"env"
#define XLIBOS_CONFIG_WORKDIR	"workdir"
#define XLIBOS_CONFIG_ROOT	"root"
#define XLIBOS_CONFIG_DISK	"disk"
#define XLIBOS_CONFIG_VOLUME	"volume"
#define XLIBOS_CONFIG_NET	"net"
#define XLIBOS_CONFIG_NET6	"net6"
#define XLIBOS_CONFIG_DNS	"dns"
#define XLIBOS_CONFIG_HOSTNAME	"hostname"
#define XLIBOS_CONFIG_WRITEBACK	"writeback"
/* Container records (xlibos-runtime): applied by container.c and creds.c. */
#define XLIBOS_CONFIG_MOUNT	"mount"
#define XLIBOS_CONFIG_FILE	"file"
#define XLIBOS_CONFIG_SYSCTL	"sysctl"
#define XLIBOS_CONFIG_ROOTRO	"rootro"
#define XLIBOS_CONFIG_MASK	"mask"
#define XLIBOS_CONFIG_RDONLY	"rdonly"
#define XLIBOS_CONFIG_USER	"user"
#define XLIBOS_CONFIG_UMASK	"umask"
#define XLIBOS_CONFIG_RLIMIT	"rlimit"
#define XLIBOS_CONFIG_NNP	"nnp"
#define XLIBOS_CONFIG_CAPS	"caps"
#define XLIBOS_CONFIG_SECCOMP	"seccomp"
#define XLIBOS_CONFIG_TTY	"tty"

#endif
