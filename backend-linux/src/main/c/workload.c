/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The last steps before exec, in the workload's own process: signals reset, rlimits, umask,
 * bounding set, groups and ids, capabilities, cwd, no_new_privs, every descriptor above 2
 * marked close-on-exec, then exec with a PATH search inside the sandbox. Also the user
 * namespace maps and loopback setup the init runs. A failure is reported as one record on
 * errfd (close-on-exec: end of file there means exec succeeded) and the process exits 127.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "isola_spawn.h"

#define ALL_CAPS (~(uint64_t)0)

static void die(int errfd, int step, int err, const char *what) __attribute__((noreturn));
static void die(int errfd, int step, int err, const char *what)
{
    isola_fail(errfd, step, err, what, NULL);
    _exit(127);
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = isola_write_full(fd, text, strlen(text));
    int err = errno;
    close(fd);
    errno = err;
    return rc;
}

int isola_setup_userns_maps(int errfd, const struct isola_request *req)
{
    if (req->gid_map != NULL && write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT) {
        isola_fail(errfd, ISOLA_STEP_USERNS, errno, "/proc/self/setgroups", NULL);
        return -1;
    }
    if (req->uid_map != NULL && write_file("/proc/self/uid_map", req->uid_map) < 0) {
        isola_fail(errfd, ISOLA_STEP_USERNS, errno, "/proc/self/uid_map", req->uid_map);
        return -1;
    }
    if (req->gid_map != NULL && write_file("/proc/self/gid_map", req->gid_map) < 0) {
        isola_fail(errfd, ISOLA_STEP_USERNS, errno, "/proc/self/gid_map", req->gid_map);
        return -1;
    }
    return 0;
}

int isola_setup_loopback(int errfd)
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        isola_fail(errfd, ISOLA_STEP_LOOPBACK, errno, "socket", NULL);
        return -1;
    }
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
        isola_fail(errfd, ISOLA_STEP_LOOPBACK, errno, "lo", NULL);
        close(s);
        return -1;
    }
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
        isola_fail(errfd, ISOLA_STEP_LOOPBACK, errno, "lo", NULL);
        close(s);
        return -1;
    }
    close(s);
    return 0;
}

/*
 * Every disposition back to default, including the real-time signals glibc keeps for itself
 * (32, 33), which signal(3) refuses to touch: the raw system call with an all-zero kernel
 * sigaction (SIG_DFL is 0, no flags, no restorer, empty mask) fits every architecture's layout.
 */
static void reset_signals(void)
{
    unsigned long zero[4] = {0, 0, 0, 0};
    sigset_t none;
    sigemptyset(&none);
    for (int s = 1; s < 65; s++) {
        if (s != SIGKILL && s != SIGSTOP)
            (void)syscall(SYS_rt_sigaction, s, zero, NULL, 8);
    }
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static void drop_bounding(int errfd, uint64_t keep)
{
    for (int cap = 0; cap < 64; cap++) {
        if (keep & ((uint64_t)1 << cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL)
                break; /* past the kernel's last capability */
            die(errfd, ISOLA_STEP_CAPABILITIES, errno, "bounding set");
        }
    }
}

static void set_caps(int errfd, uint64_t keep)
{
    struct __user_cap_header_struct head = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &head, data) < 0)
        die(errfd, ISOLA_STEP_CAPABILITIES, errno, "capget");
    for (int i = 0; i < 2; i++) {
        uint32_t k = (uint32_t)(keep >> (32 * i));
        data[i].permitted &= k;
        data[i].effective = data[i].permitted;
        data[i].inheritable = data[i].permitted;
    }
    if (syscall(SYS_capset, &head, data) < 0)
        die(errfd, ISOLA_STEP_CAPABILITIES, errno, "capset");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        die(errfd, ISOLA_STEP_CAPABILITIES, errno, "clear ambient set");
}

static const char *find_path(char *const envp[])
{
    for (size_t i = 0; envp[i] != NULL; i++) {
        if (strncmp(envp[i], "PATH=", 5) == 0)
            return envp[i] + 5;
    }
    return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

static void exec_search(int errfd, const struct isola_request *req)
{
    const char *file = req->argv[0];
    char full[4096];
    int saw_eacces = 0;
    if (strchr(file, '/') != NULL) {
        execve(file, req->argv, req->envp);
        die(errfd, ISOLA_STEP_EXEC, errno, file);
    }
    for (const char *p = find_path(req->envp);; p++) {
        const char *end = strchrnul(p, ':');
        size_t dlen = (size_t)(end - p);
        size_t flen = strlen(file);
        if (dlen + flen + 2 <= sizeof full) {
            if (dlen == 0) {
                full[0] = '.';
                dlen = 1;
            } else {
                memcpy(full, p, dlen);
            }
            full[dlen] = '/';
            memcpy(full + dlen + 1, file, flen + 1);
            execve(full, req->argv, req->envp);
            switch (errno) {
            case EACCES:
                saw_eacces = 1;
                break;
            case ENOENT:
            case ENOTDIR:
            case ELOOP:
            case ENAMETOOLONG:
            case ENODEV:
            case ESTALE:
                break;
            default:
                die(errfd, ISOLA_STEP_EXEC, errno, full);
            }
        }
        if (*end == '\0')
            break;
        p = end;
    }
    die(errfd, ISOLA_STEP_EXEC, saw_eacces ? EACCES : ENOENT, file);
}

void isola_exec_workload(int errfd, const struct isola_request *req)
{
    reset_signals();
    for (size_t i = 0; i < req->nrlimits; i++) {
        struct rlimit rl = {(rlim_t)req->rlimits[i].soft, (rlim_t)req->rlimits[i].hard};
        if (setrlimit((int)req->rlimits[i].resource, &rl) < 0) {
            char what[32];
            isola_format(what, sizeof what, "resource %u", req->rlimits[i].resource);
            die(errfd, ISOLA_STEP_RLIMIT, errno, what);
        }
    }
    umask((mode_t)req->umask);
    if (req->caps != ALL_CAPS) {
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
            die(errfd, ISOLA_STEP_CAPABILITIES, errno, "keepcaps");
        drop_bounding(errfd, req->caps);
    }
    if (req->have_groups && setgroups(req->ngroups, req->groups) < 0)
        die(errfd, ISOLA_STEP_SETGROUPS, errno, "supplementary groups");
    if (setresgid(req->gid, req->gid, req->gid) < 0)
        die(errfd, ISOLA_STEP_SETGID, errno, "gid");
    if (setresuid(req->uid, req->uid, req->uid) < 0)
        die(errfd, ISOLA_STEP_SETUID, errno, "uid");
    if (req->caps != ALL_CAPS) {
        set_caps(errfd, req->caps);
        prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    }
    if (chdir(req->cwd) < 0)
        die(errfd, ISOLA_STEP_CHDIR, errno, req->cwd);
    if ((req->flags & ISOLA_FLAG_NO_NEW_PRIVS) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        die(errfd, ISOLA_STEP_NO_NEW_PRIVS, errno, "prctl");
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        /* kernels before 5.11: mark each open descriptor by hand */
        for (int fd = 3; fd < 65536; fd++) {
            if (fd != errfd)
                (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
    }
    exec_search(errfd, req);
    _exit(127);
}
