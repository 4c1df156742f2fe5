// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "../guest-init/agent_frame.h"

/* The supervisor answers CONNECT within 5 s; an agent answers a request at once. */
#define CONNECT_ANSWER_MS	7000
#define REQUEST_ANSWER_MS	5000
/* A write-back copies the container's changes: allow it more. */
#define SYNC_ANSWER_MS		60000
/* While the guest boots, how often its agent is asked again. */
#define CONNECT_RETRY_MS	50

static bool wait_fd(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do
		n = poll(&p, 1, ms);
	while (n < 0 && errno == EINTR);
	return n > 0;
}

int control_connect_ex(const char *dir, char *why, size_t len, bool *booting)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char line[32], hello[32];
	size_t have = 0;
	int dfd, sock = -1;

	*booting = false;
	/* Through a descriptor of the directory: any state path fits in sun_path. */
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(why, len, "%s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/" OCI_CONTROL_FILE, dfd);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		snprintf(why, len, "no control channel (%s/%s: %s)", dir, OCI_CONTROL_FILE,
			 strerror(errno));
		goto fail;
	}
	close(dfd);
	dfd = -1;
	snprintf(hello, sizeof(hello), "CONNECT %d\n", XLIBOS_CONTROL_PORT);
	if (send(sock, hello, strlen(hello), MSG_NOSIGNAL) != (ssize_t)strlen(hello)) {
		snprintf(why, len, "control channel: %s", strerror(errno));
		goto fail;
	}
	/* "OK <n>\n", read a byte at a time: what follows is the agent's. */
	while (have < sizeof(line) - 1) {
		ssize_t n;

		if (!wait_fd(sock, POLLIN, CONNECT_ANSWER_MS)) {
			snprintf(why, len, "the container's control channel does not answer");
			goto fail;
		}
		n = read(sock, line + have, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(why, len, "the container's agent does not answer (not started yet, or gone)");
			*booting = have == 0;
			goto fail;
		}
		if (line[have++] == '\n')
			break;
	}
	line[have] = '\0';
	if (strncmp(line, "OK ", 3) || line[have - 1] != '\n') {
		snprintf(why, len, "the container's control channel answered something else than OK");
		goto fail;
	}
	return sock;
fail:
	if (dfd >= 0)
		close(dfd);
	if (sock >= 0)
		close(sock);
	return -1;
}

int control_connect(const char *dir, char *why, size_t len)
{
	bool booting;

	return control_connect_ex(dir, why, len, &booting);
}

int control_connect_wait(const char *dir, int wait_ms, char *why, size_t len)
{
	const struct timespec tick = { 0, CONNECT_RETRY_MS * 1000000L };
	bool booting;
	int sock;

	for (int waited = 0;; waited += CONNECT_RETRY_MS) {
		sock = control_connect_ex(dir, why, len, &booting);
		if (sock >= 0 || !booting || waited >= wait_ms)
			return sock;
		nanosleep(&tick, NULL);
	}
}

void control_error_text(const unsigned char *p, size_t len, char *out, size_t outlen)
{
	size_t n = 0;

	if (len > AGENT_ERROR_TEXT_MAX)
		len = AGENT_ERROR_TEXT_MAX;
	for (size_t i = 0; i < len && n + 1 < outlen; i++)
		out[n++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	if (outlen)
		out[n] = '\0';
}

bool control_request(int sock, uint32_t type, const void *data, size_t len, char *why,
		     size_t whylen)
{
	return control_request_within(sock, type, data, len, why, whylen, REQUEST_ANSWER_MS);
}

bool control_request_within(int sock, uint32_t type, const void *data, size_t len, char *why,
			    size_t whylen, int answer_ms)
{
	unsigned char hdr[AGENT_HEADER_LEN];
	struct frame_reader rd;
	enum frame_result r = FRAME_MORE;
	const char *bad = "no answer";
	bool ok = false;

	agent_put_u32(hdr, type);
	agent_put_u32(hdr + 4, (uint32_t)len);
	/* MSG_NOSIGNAL: a guest that closed is an error here, not our SIGPIPE. */
	if (send(sock, hdr, sizeof(hdr), MSG_NOSIGNAL) != (ssize_t)sizeof(hdr) ||
	    (len && send(sock, data, len, MSG_NOSIGNAL) != (ssize_t)len)) {
		snprintf(why, whylen, "control channel: %s", strerror(errno));
		return false;
	}
	if (!frame_reader_init(&rd, AGENT_ERROR_TEXT_MAX + 4)) {
		snprintf(why, whylen, "out of memory");
		return false;
	}
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
	for (int waited = 0; waited < answer_ms; waited += 100) {
		r = frame_read(&rd, sock, &bad);
		if (r != FRAME_MORE)
			break;
		wait_fd(sock, POLLIN, 100);
	}
	if (r == FRAME_READY && rd.type == AGENT_OK) {
		ok = true;
	} else if (r == FRAME_READY && rd.type == AGENT_ERROR && rd.len >= 4) {
		control_error_text(rd.buf + 4, rd.len - 4, why, whylen);
	} else {
		snprintf(why, whylen, "bad answer from the container's agent (%s)",
			 r == FRAME_READY ? "unexpected frame" : r == FRAME_EOF ? "closed" : bad);
	}
	frame_reader_free(&rd);
	return ok;
}

bool control_signal_main(const char *dir, int sig, uint32_t flags, char *why, size_t len,
			 bool *booting)
{
	unsigned char msg[8];
	int sock = control_connect_ex(dir, why, len, booting);
	bool ok;

	if (sock < 0)
		return false;
	agent_put_u32(msg, (uint32_t)sig);
	agent_put_u32(msg + 4, flags);
	ok = control_request(sock, AGENT_SIGNAL_MAIN, msg, sizeof(msg), why, len);
	close(sock);
	return ok;
}

bool control_resize_main(const char *dir, unsigned int rows, unsigned int cols, char *why,
			 size_t len, bool *booting)
{
	unsigned char msg[8];
	int sock = control_connect_ex(dir, why, len, booting);
	bool ok;

	if (sock < 0)
		return false;
	agent_put_u32(msg, rows);
	agent_put_u32(msg + 4, cols);
	ok = control_request(sock, AGENT_RESIZE_MAIN, msg, sizeof(msg), why, len);
	close(sock);
	return ok;
}

bool control_sync_root(const char *dir, char *why, size_t len)
{
	bool booting;
	int sock = control_connect_ex(dir, why, len, &booting);
	bool ok;

	if (sock < 0)
		return false;
	ok = control_request_within(sock, AGENT_SYNC_ROOT, NULL, 0, why, len, SYNC_ANSWER_MS);
	close(sock);
	return ok;
}
