/* SPDX-License-Identifier: Apache-2.0 */
/* Shared declarations of the isola-spawn helper's files. */
#ifndef ISOLA_SPAWN_H
#define ISOLA_SPAWN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "isola_protocol.h"

#define ISOLA_MAX_ITEMS 4096

struct isola_mount_op {
    uint32_t op;
    uint32_t flags;
    uint64_t mountflags;
    const char *a;
    const char *b;
    const char *c;
};

struct isola_rlimit {
    uint32_t resource;
    uint64_t soft;
    uint64_t hard;
};

struct isola_net_addr {
    uint32_t family;
    uint32_t prefix;
    unsigned char address[16];
    unsigned char gateway[16];
};

/* The parsed request; every pointer points into the request buffer read before any clone. */
struct isola_request {
    uint32_t mode;
    uint64_t clone_flags;
    uint32_t flags;
    const char *uid_map;
    const char *gid_map;
    const char *hostname;
    const char *root;
    const char *cwd;
    uint32_t uid, gid;
    int have_groups;
    size_t ngroups;
    gid_t groups[ISOLA_MAX_ITEMS];
    size_t nrlimits;
    struct isola_rlimit rlimits[64];
    uint32_t umask;
    uint64_t caps;
    uint32_t join_pid;
    uint32_t net_join_pid;
    size_t nmounts;
    struct isola_mount_op mounts[ISOLA_MAX_ITEMS];
    size_t nargs;
    char *argv[ISOLA_MAX_ITEMS + 1];
    size_t nenv;
    char *envp[ISOLA_MAX_ITEMS + 1];
    size_t ncgroups;
    const char *cgroups[64];
    size_t naddrs;
    struct isola_net_addr addrs[2];
};

/* request.c: req must be zero-initialised (static storage) */
int isola_parse_request(const unsigned char *buf, size_t len, struct isola_request *req,
                        char *why, size_t whylen);
int isola_read_full(int fd, void *buf, size_t len);
int isola_write_full(int fd, const void *buf, size_t len);

/* format.c: no stdio in the helper */
void isola_format(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int isola_parse_int(const char *s);

/* report.c: status records; the fd receives them */
void isola_report(int fd, int type, int step, int err, int value, const char *detail);
void isola_fail(int fd, int step, int err, const char *what, const char *more);

/* mounts.c: runs in the new mount namespace; returns 0, or -1 after reporting on fd */
int isola_setup_root(int fd, const struct isola_request *req);

/* workload.c */
void isola_exec_workload(int errfd, const struct isola_request *req) __attribute__((noreturn));
int isola_setup_userns_maps(int errfd, const struct isola_request *req);
int isola_setup_loopback(int errfd);

/* network.c: configures ISOLA_NET_IFNAME in the sandbox's network namespace */
int isola_setup_network(int errfd, const struct isola_request *req);

#endif
