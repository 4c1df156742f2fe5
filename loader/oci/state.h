/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A container's state directory, ROOT/ID (mode 0700 under a 0700 root):
 *   state.json    what create recorded: pid (the supervisor, "xlibos run"),
 *                 its start time (so a reused pid is not taken for it),
 *                 bundle, rootfs, creation time, annotations,
 *                 and the poststart and poststop hooks (run by start, delete)
 *   exec.fifo     present from create until start: the supervisor waits
 *                 on it before booting the guest
 *   records       the guest init's container records (--guest-records)
 *   paused        present from pause until resume (cmd_pause.c)
 *   control.sock  the supervisor's control socket (--control-socket): exec,
 *                 signals and resizes reach the guest agent through it (control.h)
 * Every command holds an exclusive flock on the directory while it works.
 */
#ifndef XLIBOS_OCI_STATE_H
#define XLIBOS_OCI_STATE_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define OCI_DEFAULT_ROOT	"/run/xlibos-runtime"
#define OCI_STATE_FILE		"state.json"
#define OCI_FIFO_FILE		"exec.fifo"
#define OCI_RECORDS_FILE	"records"
#define OCI_PAUSED_FILE		"paused"

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_PAUSED, OCI_STOPPED };

struct oci_container {
	char id[256];
	char dir[PATH_MAX];	/* ROOT/ID */
	int dir_fd;		/* O_DIRECTORY, flock'ed; -1 if not open */
	json_t *state;		/* state.json, or NULL before create wrote it */
	pid_t pid;
	uint64_t pid_start;
};

/* IDs as runc takes them: [A-Za-z0-9_+.-], not "." or "..", at most 255 bytes. */
bool state_valid_id(const char *id);

/* mkdir ROOT (0700) if missing, then ROOT/ID, which must not exist yet; locked. */
bool state_create(const char *root, const char *id, struct oci_container *c);
/* ROOT/ID exists (a valid id). */
bool state_exists(const char *root, const char *id);
/* Open and lock ROOT/ID and read its state.json. */
bool state_open(const char *root, const char *id, struct oci_container *c);
void state_close(struct oci_container *c);
/* Remove everything in c's directory, and the directory. */
bool state_remove(struct oci_container *c);

/* Write state.json (atomically: a temporary file renamed over it). */
bool state_save(struct oci_container *c);

/* Field 22 of /proc/PID/stat (0 if the process is gone). */
uint64_t state_proc_start(pid_t pid);
/* Field 3 (the state letter) and 22 of /proc/PID/stat; false if the process is gone. */
bool state_proc_stat(pid_t pid, char *state, uint64_t *start);
/* From the supervisor's liveness and whether exec.fifo is still there. */
enum oci_status state_status(const struct oci_container *c);
const char *state_status_name(enum oci_status s);

/* The OCI state of c as runc prints it. */
json_t *state_report(const struct oci_container *c);
/* The same with the status given (what a hook is told: "creating" while create runs). */
json_t *state_report_as(const struct oci_container *c, enum oci_status s);

/* Every directory name under root (for list), sorted; NULL-terminated, malloc'd. */
char **state_list(const char *root);

#endif
