/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parses the request Java laid out. Every length is checked against the buffer; a string must
 * end in its NUL inside its record. Anything unexpected is refused with a reason.
 */
#include <sched.h>
#include <sys/socket.h>
#include <string.h>
#include "isola_spawn.h"

#define FAIL(...) do { isola_format(why, whylen, __VA_ARGS__); return -1; } while (0)

static int take_string(const unsigned char *p, size_t len, size_t *off, const char **out)
{
    const unsigned char *nul;
    if (*off >= len)
        return -1;
    nul = memchr(p + *off, '\0', len - *off);
    if (nul == NULL)
        return -1;
    *out = (const char *)(p + *off);
    *off = (size_t)(nul - p) + 1;
    return 0;
}

static int one_string(const unsigned char *p, size_t len, const char **out)
{
    size_t off = 0;
    if (take_string(p, len, &off, out) < 0 || off != len)
        return -1;
    return 0;
}

static int parse_mount(const unsigned char *p, size_t len, struct isola_mount_op *m)
{
    size_t off = 16;
    if (len < 16)
        return -1;
    memcpy(&m->op, p, 4);
    memcpy(&m->flags, p + 4, 4);
    memcpy(&m->mountflags, p + 8, 8);
    if (take_string(p, len, &off, &m->a) < 0 || take_string(p, len, &off, &m->b) < 0
        || take_string(p, len, &off, &m->c) < 0 || off != len)
        return -1;
    if (m->op < ISOLA_MOP_FS || m->op > ISOLA_MOP_SYMLINK || m->b[0] != '/')
        return -1;
    return 0;
}

int isola_parse_request(const unsigned char *buf, size_t len, struct isola_request *req,
                        char *why, size_t whylen)
{
    size_t off = 0;
    /* req is zero-initialised static storage, parsed once; not clearing it keeps its untouched
     * pages (most of the arrays) out of the helper's resident memory */
    req->umask = 022;
    req->cwd = "/";
    while (off < len) {
        uint16_t tag;
        uint32_t rlen;
        const unsigned char *p;
        if (len - off < 8)
            FAIL("truncated record header at offset %zu", off);
        memcpy(&tag, buf + off, 2);
        memcpy(&rlen, buf + off + 4, 4);
        off += 8;
        if (rlen > len - off)
            FAIL("record %u at offset %zu claims %u bytes but %zu remain", tag, off - 8, rlen, len - off);
        p = buf + off;
        off += rlen;
        switch (tag) {
        case ISOLA_TAG_MODE:
            if (rlen != 4) FAIL("mode record has %u bytes", rlen);
            memcpy(&req->mode, p, 4);
            break;
        case ISOLA_TAG_CLONE_FLAGS:
            if (rlen != 8) FAIL("clone flags record has %u bytes", rlen);
            memcpy(&req->clone_flags, p, 8);
            break;
        case ISOLA_TAG_FLAGS:
            if (rlen != 4) FAIL("flags record has %u bytes", rlen);
            memcpy(&req->flags, p, 4);
            break;
        case ISOLA_TAG_UID_MAP:
            if (one_string(p, rlen, &req->uid_map) < 0) FAIL("bad uid map string");
            break;
        case ISOLA_TAG_GID_MAP:
            if (one_string(p, rlen, &req->gid_map) < 0) FAIL("bad gid map string");
            break;
        case ISOLA_TAG_HOSTNAME:
            if (one_string(p, rlen, &req->hostname) < 0) FAIL("bad hostname string");
            break;
        case ISOLA_TAG_ROOT:
            if (one_string(p, rlen, &req->root) < 0) FAIL("bad root string");
            break;
        case ISOLA_TAG_CWD:
            if (one_string(p, rlen, &req->cwd) < 0 || req->cwd[0] != '/') FAIL("bad cwd string");
            break;
        case ISOLA_TAG_UID:
            if (rlen != 4) FAIL("uid record has %u bytes", rlen);
            memcpy(&req->uid, p, 4);
            break;
        case ISOLA_TAG_GID:
            if (rlen != 4) FAIL("gid record has %u bytes", rlen);
            memcpy(&req->gid, p, 4);
            break;
        case ISOLA_TAG_GROUPS:
            if (rlen % 4 != 0 || rlen / 4 > ISOLA_MAX_ITEMS) FAIL("groups record has %u bytes", rlen);
            req->have_groups = 1;
            req->ngroups = rlen / 4;
            for (size_t i = 0; i < req->ngroups; i++) {
                uint32_t g;
                memcpy(&g, p + 4 * i, 4);
                req->groups[i] = (gid_t)g;
            }
            break;
        case ISOLA_TAG_RLIMIT:
            if (rlen != 24) FAIL("rlimit record has %u bytes", rlen);
            if (req->nrlimits >= 64) FAIL("too many rlimits");
            memcpy(&req->rlimits[req->nrlimits].resource, p, 4);
            memcpy(&req->rlimits[req->nrlimits].soft, p + 8, 8);
            memcpy(&req->rlimits[req->nrlimits].hard, p + 16, 8);
            req->nrlimits++;
            break;
        case ISOLA_TAG_UMASK:
            if (rlen != 4) FAIL("umask record has %u bytes", rlen);
            memcpy(&req->umask, p, 4);
            if (req->umask > 0777) FAIL("umask %o out of range", req->umask);
            break;
        case ISOLA_TAG_CAPS:
            if (rlen != 8) FAIL("caps record has %u bytes", rlen);
            memcpy(&req->caps, p, 8);
            break;
        case ISOLA_TAG_JOIN_PID:
            if (rlen != 4) FAIL("join pid record has %u bytes", rlen);
            memcpy(&req->join_pid, p, 4);
            break;
        case ISOLA_TAG_NET_JOIN_PID:
            if (rlen != 4) FAIL("network join pid record has %u bytes", rlen);
            memcpy(&req->net_join_pid, p, 4);
            if (req->net_join_pid == 0) FAIL("network join pid is 0");
            break;
        case ISOLA_TAG_NET_ADDR:
            if (req->naddrs >= 2) FAIL("too many network addresses");
            if (rlen != 40) FAIL("network address record has %u bytes", rlen);
            memcpy(&req->addrs[req->naddrs], p, 40);
            if (!(req->addrs[req->naddrs].family == AF_INET && req->addrs[req->naddrs].prefix <= 32)
                && !(req->addrs[req->naddrs].family == AF_INET6 && req->addrs[req->naddrs].prefix <= 128))
                FAIL("network address family %u prefix %u", req->addrs[req->naddrs].family, req->addrs[req->naddrs].prefix);
            req->naddrs++;
            break;
        case ISOLA_TAG_MOUNT:
            if (req->nmounts >= ISOLA_MAX_ITEMS) FAIL("too many mounts");
            if (parse_mount(p, rlen, &req->mounts[req->nmounts]) < 0)
                FAIL("malformed mount record %zu", req->nmounts);
            req->nmounts++;
            break;
        case ISOLA_TAG_ARG:
            if (req->nargs >= ISOLA_MAX_ITEMS) FAIL("too many arguments");
            if (one_string(p, rlen, (const char **)&req->argv[req->nargs]) < 0) FAIL("bad argument string");
            req->nargs++;
            break;
        case ISOLA_TAG_ENV:
            if (req->nenv >= ISOLA_MAX_ITEMS) FAIL("too many environment variables");
            if (one_string(p, rlen, (const char **)&req->envp[req->nenv]) < 0
                || strchr(req->envp[req->nenv], '=') == NULL)
                FAIL("bad environment string");
            req->nenv++;
            break;
        case ISOLA_TAG_CGROUP:
            if (req->ncgroups >= 64) FAIL("too many cgroups");
            if (one_string(p, rlen, &req->cgroups[req->ncgroups]) < 0 || req->cgroups[req->ncgroups][0] != '/')
                FAIL("bad cgroup path");
            req->ncgroups++;
            break;
        default:
            FAIL("unknown record tag %u", tag);
        }
    }
    if (req->mode != ISOLA_MODE_INIT && req->mode != ISOLA_MODE_JOIN)
        FAIL("mode %u is neither init nor join", req->mode);
    if (req->nargs == 0)
        FAIL("no command to run");
    if (req->mode == ISOLA_MODE_JOIN && req->join_pid == 0)
        FAIL("join mode without the pid to join");
    if (req->net_join_pid != 0 && (req->mode != ISOLA_MODE_INIT || (req->clone_flags & CLONE_NEWNET)))
        FAIL("a shared network namespace is for init mode without a new network namespace");
    if (req->net_join_pid != 0 && (req->clone_flags & CLONE_NEWUSER))
        FAIL("a shared network namespace comes with its user namespace: no new one");
    if ((req->flags & ISOLA_FLAG_HOLD) && req->mode != ISOLA_MODE_INIT)
        FAIL("only init mode can hold its workload");
    if (req->naddrs > 0 && req->addrs[0].family != AF_INET)
        FAIL("the first network address must be IPv4");
    if (req->naddrs > 0 && (!(req->flags & ISOLA_FLAG_HOLD) || !(req->clone_flags & CLONE_NEWNET)))
        FAIL("a network address needs a new network namespace and the hold");
    req->argv[req->nargs] = NULL;
    req->envp[req->nenv] = NULL;
    return 0;
}
