/* SPDX-License-Identifier: Apache-2.0 */
/*
 * isola-jexec: enters a jail and runs one workload in it, for isola's FreeBSD backend. FreeBSD only.
 *
 * Guarantees:
 *  - The JVM never calls jail_attach(2) (it would jail every thread of it); this single-threaded
 *    helper does, then stays in the jail as the workload's supervisor and reaper
 *    (procctl PROC_REAP_ACQUIRE), so orphans of the workload are reaped inside the jail.
 *  - Every failure before the workload's exec is reported as one structured record
 *    {step, errno, detail} on the channel, never only as an exit code, so that the workload's own
 *    exit codes stay unambiguous. The workload's wait status comes back as an EXIT record.
 *  - Between fork and exec the child calls only async-signal-safe functions and touches only
 *    memory prepared before the fork.
 *  - Credentials are switched in the safe order: supplementary groups, rlimits (raising a hard
 *    limit needs root), gid, uid; then umask, PROC_NO_NEW_PRIVS, cwd; every descriptor above 2 is
 *    closed; signal dispositions and the mask are reset; the environment is exactly the request's.
 *
 * Invocation: isola-jexec <protocol version> <AF_UNIX socket path>. Anything else: exit 2.
 */
#include <sys/types.h>
#include <sys/jail.h>
#include <sys/procctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jexec_protocol.h"

#define MAX_REQUEST (1 << 20)
#define MAX_RLIMITS 16
#define MAX_GROUPS 1024

extern char **environ;

struct request {
	int jid;
	char **argv;
	int argc;
	char **envp;
	int envc;
	const char *cwd;
	const char *path;
	uid_t uid;
	gid_t gid;
	gid_t groups[MAX_GROUPS + 1];
	int ngroups;
	struct { int resource; struct rlimit lim; } rl[MAX_RLIMITS];
	int nrl;
	mode_t umask;
	int flags;
};

static void put_status(int fd, int type, int step, int err, int value, const char *detail)
{
	struct isola_jstatus st;
	memset(&st, 0, sizeof st);
	st.type = type;
	st.step = step;
	st.err = err;
	st.value = value;
	if (detail != NULL) {
		size_t n = strlen(detail);
		if (n >= sizeof st.detail)
			n = sizeof st.detail - 1;
		memcpy(st.detail, detail, n);
	}
	const char *p = (const char *)&st;
	size_t left = sizeof st;
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		left -= (size_t)w;
	}
}

static _Noreturn void fail(int fd, int step, int err, const char *detail)
{
	put_status(fd, ISOLA_JST_ERROR, step, err, 0, detail);
	_exit(125);
}

static int read_full(int fd, char *buf, size_t want)
{
	size_t got = 0;
	while (got < want) {
		ssize_t r = read(fd, buf + got, want - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static uint32_t u32(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* Reads and checks the request; strings must be NUL-terminated inside their record. */
static void read_request(int sock, struct request *rq)
{
	char hdr[8];
	if (read_full(sock, hdr, 8) != 0 || u32(hdr) != ISOLA_JMAGIC || u32(hdr + 4) != ISOLA_JVERSION)
		fail(sock, ISOLA_JSTEP_REQUEST, EPROTO, "bad header");
	size_t cap_args = 16, cap_env = 16, total = 0;
	rq->argv = calloc(cap_args, sizeof(char *));
	rq->envp = calloc(cap_env, sizeof(char *));
	if (rq->argv == NULL || rq->envp == NULL)
		fail(sock, ISOLA_JSTEP_REQUEST, ENOMEM, "");
	rq->jid = -1;
	rq->umask = 022;
	rq->cwd = "/";
	rq->path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (;;) {
		if (read_full(sock, hdr, 8) != 0)
			fail(sock, ISOLA_JSTEP_REQUEST, EPROTO, "truncated");
		uint32_t tag = u32(hdr), len = u32(hdr + 4);
		if (tag == ISOLA_JTAG_END)
			break;
		total += len;
		if (len > MAX_REQUEST || total > MAX_REQUEST)
			fail(sock, ISOLA_JSTEP_REQUEST, E2BIG, "request too large");
		char *data = malloc(len + 1);
		if (data == NULL)
			fail(sock, ISOLA_JSTEP_REQUEST, ENOMEM, "");
		if (len > 0 && read_full(sock, data, len) != 0)
			fail(sock, ISOLA_JSTEP_REQUEST, EPROTO, "truncated record");
		data[len] = '\0';
		int is_string = tag == ISOLA_JTAG_ARG || tag == ISOLA_JTAG_ENV || tag == ISOLA_JTAG_CWD || tag == ISOLA_JTAG_PATH;
		if (is_string && (len == 0 || data[len - 1] != '\0'))
			fail(sock, ISOLA_JSTEP_REQUEST, EPROTO, "unterminated string");
		int32_t iv = 0;
		if (len == 4)
			memcpy(&iv, data, 4);
		switch (tag) {
		case ISOLA_JTAG_JID: rq->jid = iv; break;
		case ISOLA_JTAG_UID: rq->uid = (uid_t)iv; break;
		case ISOLA_JTAG_GID: rq->gid = (gid_t)iv; break;
		case ISOLA_JTAG_UMASK: rq->umask = (mode_t)iv; break;
		case ISOLA_JTAG_FLAGS: rq->flags = iv; break;
		case ISOLA_JTAG_CWD: rq->cwd = data; break;
		case ISOLA_JTAG_PATH: rq->path = data; break;
		case ISOLA_JTAG_ARG:
		case ISOLA_JTAG_ENV: {
			char ***v = tag == ISOLA_JTAG_ARG ? &rq->argv : &rq->envp;
			int *n = tag == ISOLA_JTAG_ARG ? &rq->argc : &rq->envc;
			size_t *cap = tag == ISOLA_JTAG_ARG ? &cap_args : &cap_env;
			if ((size_t)*n + 2 > *cap) {
				*cap *= 2;
				*v = realloc(*v, *cap * sizeof(char *));
				if (*v == NULL)
					fail(sock, ISOLA_JSTEP_REQUEST, ENOMEM, "");
			}
			(*v)[(*n)++] = data;
			(*v)[*n] = NULL;
			break;
		}
		case ISOLA_JTAG_GROUPS:
			if (len % 4 != 0 || len / 4 > MAX_GROUPS)
				fail(sock, ISOLA_JSTEP_REQUEST, EPROTO, "groups");
			/* element 0 is the primary gid: on 14.x setgroups(2) makes it the effective gid;
			 * on 15.x it is an ordinary member, which the primary group is anyway */
			for (uint32_t i = 0; i < len / 4; i++)
				memcpy(&rq->groups[1 + i], data + 4 * i, 4);
			rq->ngroups = (int)(len / 4);
			break;
		case ISOLA_JTAG_RLIMIT:
			if (len != 20 || rq->nrl >= MAX_RLIMITS)
				fail(sock, ISOLA_JSTEP_REQUEST, EPROTO, "rlimit");
			memcpy(&rq->rl[rq->nrl].resource, data, 4);
			memcpy(&rq->rl[rq->nrl].lim.rlim_cur, data + 4, 8);
			memcpy(&rq->rl[rq->nrl].lim.rlim_max, data + 12, 8);
			rq->nrl++;
			break;
		default:
			fail(sock, ISOLA_JSTEP_REQUEST, EPROTO, "unknown tag");
		}
	}
	if (rq->jid < 0 || rq->argc == 0)
		fail(sock, ISOLA_JSTEP_REQUEST, EPROTO, "no jid or no command");
	rq->groups[0] = rq->gid;
}

/* The child, between fork and exec: async-signal-safe calls only. */
static _Noreturn void workload(const struct request *rq, int report)
{
	sigset_t all;
	sigemptyset(&all);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (setgroups(rq->ngroups + 1, rq->groups) != 0)
		fail(report, ISOLA_JSTEP_SETGROUPS, errno, "");
	for (int i = 0; i < rq->nrl; i++)
		if (setrlimit(rq->rl[i].resource, &rq->rl[i].lim) != 0)
			fail(report, ISOLA_JSTEP_RLIMIT, errno, "");
	if (setgid(rq->gid) != 0)
		fail(report, ISOLA_JSTEP_SETGID, errno, "");
	if (setuid(rq->uid) != 0)
		fail(report, ISOLA_JSTEP_SETUID, errno, "");
	umask(rq->umask);
	if (rq->flags & ISOLA_JFLAG_NO_NEW_PRIVS) {
		int on = PROC_NO_NEW_PRIVS_ENABLE;
		if (procctl(P_PID, 0, PROC_NO_NEW_PRIVS_CTL, &on) != 0)
			fail(report, ISOLA_JSTEP_NO_NEW_PRIVS, errno, "");
	}
	if (chdir(rq->cwd) != 0)
		fail(report, ISOLA_JSTEP_CHDIR, errno, rq->cwd);
	/* keep the report pipe as fd 3 (close-on-exec), close everything above it */
	if (report != 3) {
		if (dup2(report, 3) < 0)
			fail(report, ISOLA_JSTEP_CLOSE_FDS, errno, "");
		report = 3;
	}
	if (fcntl(report, F_SETFD, FD_CLOEXEC) != 0)
		fail(report, ISOLA_JSTEP_CLOSE_FDS, errno, "");
	closefrom(4);
	environ = rq->envp;
	execvP(rq->argv[0], rq->path, rq->argv);
	fail(report, ISOLA_JSTEP_EXEC, errno, rq->argv[0]);
}

int main(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "1") != 0) {
		fprintf(stderr, "isola-jexec is isola's FreeBSD helper and is not meant to be run directly\n");
		return 2;
	}
	int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (sock < 0 || strlen(argv[2]) >= sizeof sa.sun_path) {
		fprintf(stderr, "isola-jexec: no channel\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[2]);
	if (connect(sock, (struct sockaddr *)&sa, sizeof sa) != 0) {
		fprintf(stderr, "isola-jexec: cannot connect to %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	static struct request rq;
	read_request(sock, &rq);
	if (jail_attach(rq.jid) != 0)
		fail(sock, ISOLA_JSTEP_JAIL_ATTACH, errno, "");
	if (procctl(P_PID, getpid(), PROC_REAP_ACQUIRE, NULL) != 0)
		fail(sock, ISOLA_JSTEP_REAPER, errno, "");
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		fail(sock, ISOLA_JSTEP_FORK, errno, "pipe");
	pid_t child = fork();
	if (child < 0)
		fail(sock, ISOLA_JSTEP_FORK, errno, "");
	if (child == 0) {
		close(p[0]);
		workload(&rq, p[1]);
	}
	close(p[1]);
	/* the supervisor outlives a SIGTERM to the jail long enough to report the workload's status */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	struct isola_jstatus err;
	if (read_full(p[0], (char *)&err, sizeof err) == 0) {
		put_status(sock, ISOLA_JST_ERROR, err.step, err.err, 0, err.detail);
		waitpid(child, NULL, 0);
		return 125;
	}
	/* EOF on the close-on-exec pipe: the workload has exec'd */
	put_status(sock, ISOLA_JST_STARTED, 0, 0, (int)child, NULL);
	for (;;) {
		int st;
		pid_t w = waitpid(-1, &st, 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return 125;
		if (w == child) {
			put_status(sock, ISOLA_JST_EXIT, 0, 0, st, NULL);
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		/* an orphan of the workload, reparented to us: reaped */
	}
}
