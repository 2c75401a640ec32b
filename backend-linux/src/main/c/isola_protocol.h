/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The wire protocol between isola's Java side and the isola-spawn helper.
 * Java mirrors every number here (isola.linux.HelperProtocol); a unit test reads this
 * header and checks that the two agree.
 *
 * Request (Java -> helper), on the AF_UNIX socket named by argv[2]:
 *   u32 magic ISOLA_MAGIC, u32 version ISOLA_PROTOCOL_VERSION, u32 body length,
 *   then records: u16 tag, u16 zero, u32 length, length bytes. Integers are host-endian
 *   (both ends run on the same machine). Strings carry their trailing NUL.
 * Status (helper -> Java): fixed records of ISOLA_STATUS_SIZE bytes:
 *   u32 type, u32 step, i32 errno, i32 value, char detail[ISOLA_DETAIL_SIZE].
 * Commands (Java -> helper, after the request): u32 command, i32 argument.
 *   End of file from Java means: kill everything of this sandbox and exit.
 */
#ifndef ISOLA_PROTOCOL_H
#define ISOLA_PROTOCOL_H

#define ISOLA_MAGIC 0x4c4f5349u /* "ISOL" little-endian */
#define ISOLA_PROTOCOL_VERSION 1
#define ISOLA_MAX_REQUEST (16u * 1024u * 1024u)
#define ISOLA_STATUS_SIZE 256
#define ISOLA_DETAIL_SIZE 240

/* request tags */
#define ISOLA_TAG_MODE 1        /* u32: ISOLA_MODE_* */
#define ISOLA_TAG_CLONE_FLAGS 2 /* u64: namespaces to create (init) or join (join) */
#define ISOLA_TAG_UID_MAP 3     /* string: uid_map contents */
#define ISOLA_TAG_GID_MAP 4     /* string: gid_map contents */
#define ISOLA_TAG_HOSTNAME 5    /* string */
#define ISOLA_TAG_MOUNT 6       /* u32 op, u32 flags, u64 mountflags, string a, string b, string c */
#define ISOLA_TAG_ARG 7         /* string, repeated */
#define ISOLA_TAG_ENV 8         /* string NAME=VALUE, repeated */
#define ISOLA_TAG_CWD 9         /* string */
#define ISOLA_TAG_UID 10        /* u32 */
#define ISOLA_TAG_GID 11        /* u32 */
#define ISOLA_TAG_GROUPS 12     /* u32 array; present means setgroups(2) with it */
#define ISOLA_TAG_RLIMIT 13     /* u32 resource, u32 zero, u64 soft, u64 hard */
#define ISOLA_TAG_UMASK 14      /* u32 */
#define ISOLA_TAG_CAPS 15       /* u64 capability mask kept */
#define ISOLA_TAG_FLAGS 16      /* u32: ISOLA_FLAG_* */
#define ISOLA_TAG_JOIN_PID 17   /* u32: host pid of the sandbox init to join */
#define ISOLA_TAG_ROOT 18       /* string: directory the new root is built on; empty = host root */
#define ISOLA_TAG_CGROUP 19     /* string: a cgroup.procs file the workload joins before exec, repeated */
#define ISOLA_TAG_NET_JOIN_PID 20 /* u32: init mode shares this live init's network namespace (and its
                                     user namespace, with ISOLA_FLAG_USERNS) instead of creating one */
#define ISOLA_TAG_NET_ADDR 21   /* u32 family (AF_INET, then optionally AF_INET6), u32 prefix,
                                   u8 address[16], u8 gateway[16]: after ISOLA_CMD_START the init gives
                                   ISOLA_NET_IFNAME this address (IPv4 in the first 4 bytes), brings it
                                   up and routes by default via the gateway; the supervisor moved the
                                   interface in while it held */

#define ISOLA_NET_IFNAME "eth0" /* the sandbox's end of its veth pair */

#define ISOLA_MODE_INIT 1 /* create namespaces, run an init as pid 1 and the workload under it */
#define ISOLA_MODE_JOIN 2 /* enter the namespaces of a live init and run the workload */

#define ISOLA_FLAG_NO_NEW_PRIVS 0x1u /* set no_new_privs before exec */
#define ISOLA_FLAG_LOOPBACK 0x2u     /* bring lo up in the new network namespace */
#define ISOLA_FLAG_KEEP 0x4u         /* init outlives the first workload (until Java says stop) */
#define ISOLA_FLAG_ROOT_RDONLY 0x8u  /* root read-only: host root at once (recursive), a directory last */
#define ISOLA_FLAG_USERNS 0x10u      /* a user namespace is created or joined */
#define ISOLA_FLAG_HOLD 0x20u        /* init mode: report CREATED once the namespaces are set up and wait
                                        for ISOLA_CMD_START before starting the workload */

/* mount operations, executed in order inside the new root before pivot_root */
#define ISOLA_MOP_FS 1      /* a=fstype b=target c=data: mount(a, target, a, flags, c) */
#define ISOLA_MOP_BIND 2    /* a=host source b=target: bind (recursive), read-only if MS_RDONLY */
#define ISOLA_MOP_MKDIR 3   /* b=target, flags=mode */
#define ISOLA_MOP_SYMLINK 4 /* a=link text b=link path */
#define ISOLA_MOPF_CREATE 0x10000u /* create a missing target (dir, or file for a file source) */

/* status record types */
#define ISOLA_ST_STARTED 1 /* the workload was exec'd; value = its host pid */
#define ISOLA_ST_ERROR 2   /* setup failed at step with errno; detail says on what */
#define ISOLA_ST_EXIT 3    /* the workload ended; value = its wait status */
#define ISOLA_ST_CREATED 4 /* with ISOLA_FLAG_HOLD: namespaces ready, workload held; value = init's host pid */

/* commands */
#define ISOLA_CMD_SIGNAL_ALL 1  /* argument: signal for every process of the sandbox */
#define ISOLA_CMD_SIGNAL_MAIN 2 /* argument: signal for this request's workload only */
#define ISOLA_CMD_START 3       /* after CREATED: start the held workload; argument unused */

/* failure steps: X(name, java name) */
#define ISOLA_STEPS(X)                \
    X(REQUEST, "request")             \
    X(CHANNEL, "channel")             \
    X(CLONE, "clone")                 \
    X(USERNS, "user namespace")       \
    X(MOUNT_PROPAGATION, "mount propagation") \
    X(ROOT, "root")                   \
    X(MOUNT, "mount")                 \
    X(PIVOT_ROOT, "pivot_root")       \
    X(HOSTNAME, "hostname")           \
    X(LOOPBACK, "loopback")           \
    X(SETNS, "setns")                 \
    X(FORK, "fork")                   \
    X(RLIMIT, "rlimit")               \
    X(SETGROUPS, "setgroups")         \
    X(SETGID, "setgid")               \
    X(SETUID, "setuid")               \
    X(CAPABILITIES, "capabilities")   \
    X(NO_NEW_PRIVS, "no_new_privs")   \
    X(CHDIR, "chdir")                 \
    X(CLOSE_FDS, "close fds")         \
    X(EXEC, "exec")                   \
    X(CGROUP, "cgroup")               \
    X(NETWORK, "network")

enum isola_step {
#define ISOLA_STEP_ENUM(n, s) ISOLA_STEP_##n,
    ISOLA_STEPS(ISOLA_STEP_ENUM)
#undef ISOLA_STEP_ENUM
    ISOLA_STEP_COUNT
};

#endif
