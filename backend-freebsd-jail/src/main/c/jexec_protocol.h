/* SPDX-License-Identifier: Apache-2.0 */
/* Wire protocol between isola's FreeBSD backend (isola.freebsd.HelperProtocol) and isola-jexec.
 * A Java test checks that the numbers and step names below match the Java side. */
#ifndef ISOLA_JEXEC_PROTOCOL_H
#define ISOLA_JEXEC_PROTOCOL_H

#include <stdint.h>

#define ISOLA_JMAGIC 0x4a4f5349u
#define ISOLA_JVERSION 1

/* request: {uint32 magic, uint32 version} then {uint32 tag, uint32 len, bytes[len]} ... TAG_END */
#define ISOLA_JTAG_END 0
#define ISOLA_JTAG_JID 1
#define ISOLA_JTAG_ARG 2
#define ISOLA_JTAG_ENV 3
#define ISOLA_JTAG_CWD 4
#define ISOLA_JTAG_UID 5
#define ISOLA_JTAG_GID 6
#define ISOLA_JTAG_GROUPS 7
#define ISOLA_JTAG_RLIMIT 8
#define ISOLA_JTAG_UMASK 9
#define ISOLA_JTAG_FLAGS 10
#define ISOLA_JTAG_PATH 11

#define ISOLA_JFLAG_NO_NEW_PRIVS 0x1

/* status records, fixed size */
#define ISOLA_JST_STARTED 1
#define ISOLA_JST_ERROR 2
#define ISOLA_JST_EXIT 3
#define ISOLA_JDETAIL_SIZE 240

struct isola_jstatus {
	int32_t type;
	int32_t step;
	int32_t err;
	int32_t value; /* STARTED: the workload's pid; EXIT: its wait status */
	char detail[ISOLA_JDETAIL_SIZE];
};

/* failure steps; the index is the wire number */
enum isola_jstep {
	ISOLA_JSTEP_REQUEST,
	ISOLA_JSTEP_CHANNEL,
	ISOLA_JSTEP_JAIL_ATTACH,
	ISOLA_JSTEP_REAPER,
	ISOLA_JSTEP_FORK,
	ISOLA_JSTEP_SETGROUPS,
	ISOLA_JSTEP_SETGID,
	ISOLA_JSTEP_SETUID,
	ISOLA_JSTEP_RLIMIT,
	ISOLA_JSTEP_UMASK,
	ISOLA_JSTEP_NO_NEW_PRIVS,
	ISOLA_JSTEP_CHDIR,
	ISOLA_JSTEP_CLOSE_FDS,
	ISOLA_JSTEP_EXEC,
};

#define ISOLA_JSTEP_NAMES { "request", "channel", "jail_attach", "reaper", "fork", "setgroups", "setgid", \
	"setuid", "rlimit", "umask", "no_new_privs", "chdir", "close fds", "exec" }

#endif
