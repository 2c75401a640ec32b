/* SPDX-License-Identifier: Apache-2.0 */
/*
 * isola-spawn: the small launcher isola's Java side runs to start sandboxed processes.
 *
 * Guarantees:
 *  - It is not meant to be run by hand: argv[1] must be the protocol version and argv[2] the
 *    path of the AF_UNIX socket Java listens on; otherwise it says so and exits 2.
 *  - The whole request is read and checked before anything changes; a malformed request is
 *    refused with an ERROR record at step "request".
 *  - Init mode: one clone() creates every namespace asked for; the child (pid 1 inside) sets
 *    up maps, mounts, pivot_root, hostname and loopback, forks the workload and stays as a
 *    minimal init that reaps zombies and forwards signals. Join mode: setns() into a live
 *    init's namespaces, chroot to its root, fork the workload.
 *  - Setup failures reach Java as one ERROR record {step, errno, detail}, never only as an
 *    exit status. Success is STARTED; the workload's end is EXIT with its raw wait status.
 *  - The socket is the sandbox's lifeline: when Java closes it (or dies), everything the
 *    helper started is killed. No process of the sandbox outlives its owner.
 *  - This process and the init keep none of the caller's stdio once the workload runs, so the
 *    caller sees end of file exactly when the workload and its children are done with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <sys/signalfd.h>
#include <sys/statfs.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "isola_spawn.h"

static struct isola_request req;
static int cgroup_fds[64];
static int into_fd = -1;     /* the cgroup2 directory the child is cloned into, or -1 */
static size_t into_index;    /* its index in req.cgroups */
static int held_ctl = -1; /* init mode: the init's command pipe, for ISOLA_CMD_START */
static int netns_chan[2] = {-1, -1}; /* init mode: the supervisor hands the init its network namespace */

/*
 * Whether the supervisor makes the sandbox's network namespace while the init builds its root: as
 * root, for a namespace of its own. Making one costs about 0.45 ms of kernel work here (every
 * network subsystem sets up its per-namespace state), as long as the mount work it now overlaps;
 * the init enters it with setns before anything in the sandbox can use the network. Rootless, the
 * namespace must belong to the sandbox's user namespace, so the init's clone makes it as before.
 */
static int netns_by_supervisor(void)
{
    return (req.clone_flags & CLONE_NEWNET) && !(req.clone_flags & CLONE_NEWUSER) && req.net_join_pid == 0;
}

/* One byte and room for one descriptor: what send_fd and recv_fd exchange. */
union fd_control {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
};

static void fd_message(struct msghdr *msg, struct iovec *iov, char *byte, union fd_control *u)
{
    iov->iov_base = byte;
    iov->iov_len = 1;
    memset(msg, 0, sizeof *msg);
    memset(u, 0, sizeof *u);
    msg->msg_iov = iov;
    msg->msg_iovlen = 1;
    msg->msg_control = u->buf;
    msg->msg_controllen = sizeof u->buf;
}

/* Passes a descriptor over a socket (SCM_RIGHTS). */
static int send_fd(int chan, int fd)
{
    char byte = 0;
    struct iovec iov;
    union fd_control u;
    struct msghdr msg;
    fd_message(&msg, &iov, &byte, &u);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(chan, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

/* Receives a descriptor passed with send_fd; -1 when the other end closed without one. */
static int recv_fd(int chan)
{
    char byte;
    struct iovec iov;
    union fd_control u;
    struct msghdr msg;
    fd_message(&msg, &iov, &byte, &u);
    if (recvmsg(chan, &msg, MSG_CMSG_CLOEXEC) != 1)
        return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

/*
 * In the supervisor, after the init's clone: moves itself into a new network namespace (it needs
 * none of its own; its channel to Java is an already connected AF_UNIX socket), brings its
 * loopback up if asked, and hands the namespace to the init. On failure the init gets nothing and
 * exits; the supervisor reports why.
 */
static int make_netns(int sock)
{
    int fd;
    close(netns_chan[1]);
    netns_chan[1] = -1;
    if (unshare(CLONE_NEWNET) < 0) {
        isola_fail(sock, ISOLA_STEP_CLONE, errno, "network namespace", NULL);
        return -1;
    }
    if ((req.flags & ISOLA_FLAG_LOOPBACK) && isola_setup_loopback(sock) < 0)
        return -1;
    fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        isola_fail(sock, ISOLA_STEP_SETNS, errno, "/proc/self/ns/net", NULL);
        return -1;
    }
    /* the send fails only when the init has ended already: its own error record says why */
    (void)send_fd(netns_chan[0], fd);
    close(fd);
    close(netns_chan[0]);
    netns_chan[0] = -1;
    return 0;
}

/* In the init: enters the network namespace the supervisor made. */
static void enter_netns(int errw)
{
    int fd;
    close(netns_chan[0]);
    fd = recv_fd(netns_chan[1]);
    if (fd < 0)
        _exit(125); /* the supervisor failed and reports why */
    if (setns(fd, CLONE_NEWNET) < 0) {
        isola_fail(errw, ISOLA_STEP_SETNS, errno, "network namespace", NULL);
        _exit(125);
    }
    close(fd);
    close(netns_chan[1]);
}

/*
 * Opens every cgroup.procs file while the host's /sys/fs/cgroup is still in view. The first one on
 * cgroup2 is also opened as a directory: the child is cloned straight into it (CLONE_INTO_CGROUP),
 * which needs no migration; the others (v1 hierarchies) are joined by writing the child's pid.
 */
static int open_cgroups(int sock)
{
    for (size_t i = 0; i < req.ncgroups; i++) {
        cgroup_fds[i] = open(req.cgroups[i], O_WRONLY | O_CLOEXEC);
        if (cgroup_fds[i] < 0) {
            isola_fail(sock, ISOLA_STEP_CGROUP, errno, req.cgroups[i], NULL);
            return -1;
        }
        struct statfs fs;
        if (into_fd < 0 && fstatfs(cgroup_fds[i], &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC) {
            char dir[4096];
            size_t n = strlen(req.cgroups[i]);
            const char *slash = strrchr(req.cgroups[i], '/');
            if (slash != NULL && (size_t)(slash - req.cgroups[i]) < sizeof dir && n < sizeof dir) {
                memcpy(dir, req.cgroups[i], (size_t)(slash - req.cgroups[i]));
                dir[slash - req.cgroups[i]] = '\0';
                into_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (into_fd >= 0)
                    into_index = i;
            }
        }
    }
    return 0;
}

/*
 * fork(2) or clone(2) with namespace flags; the child starts in the cgroup2 directory of
 * open_cgroups when there is one. A kernel without clone3 or CLONE_INTO_CGROUP (before 5.7) gets
 * a plain clone, and the child is then placed by writing its pid like on v1.
 */
static pid_t clone_child(uint64_t flags)
{
    if (into_fd >= 0) {
        struct clone_args a;
        memset(&a, 0, sizeof a);
        a.flags = flags | CLONE_INTO_CGROUP;
        a.exit_signal = SIGCHLD;
        a.cgroup = (uint64_t)into_fd;
        pid_t c = (pid_t)syscall(SYS_clone3, &a, sizeof a);
        if (c >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL))
            return c;
        close(into_fd);
        into_fd = -1;
    }
    return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, 0);
}

/* Moves a child into the sandbox's cgroups, then lets it go on by writing to its sync pipe. */
static int place_in_cgroups(int sock, pid_t child, int syncw)
{
    char pid[16];
    isola_format(pid, sizeof pid, "%d", child);
    for (size_t i = 0; i < req.ncgroups; i++) {
        if (into_fd >= 0 && i == into_index) {
            /* cloned into it already */
            close(cgroup_fds[i]);
            continue;
        }
        if (isola_write_full(cgroup_fds[i], pid, strlen(pid)) < 0) {
            if (errno == ESRCH)
                break; /* the child failed while being placed: its own error record says why */
            isola_fail(sock, ISOLA_STEP_CGROUP, errno, req.cgroups[i], NULL);
            return -1;
        }
        close(cgroup_fds[i]);
    }
    char go = 1;
    (void)isola_write_full(syncw, &go, 1);
    close(syncw);
    return 0;
}

/* In the child: waits until the parent has placed it in its cgroups. */
static void await_placement(int syncr)
{
    char go;
    if (read(syncr, &go, 1) != 1)
        _exit(125);
    close(syncr);
}

static void usage(void) __attribute__((noreturn));
static void usage(void)
{
    static const char msg[] = "isola-spawn is isola's internal launcher and is not meant to be run directly\n";
    (void)isola_write_full(2, msg, sizeof msg - 1);
    _exit(2);
}

static int connect_channel(const char *path)
{
    struct sockaddr_un sa;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || strlen(path) >= sizeof sa.sun_path)
        return -1;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        return -1;
    return fd;
}

static unsigned char *read_request(int sock, size_t *len)
{
    uint32_t head[3];
    unsigned char *buf;
    if (isola_read_full(sock, head, sizeof head) != (int)sizeof head) {
        isola_fail(sock, ISOLA_STEP_REQUEST, EPROTO, "truncated request header", NULL);
        return NULL;
    }
    if (head[0] != ISOLA_MAGIC || head[1] != ISOLA_PROTOCOL_VERSION) {
        isola_fail(sock, ISOLA_STEP_REQUEST, EPROTO, "wrong magic or protocol version", NULL);
        return NULL;
    }
    if (head[2] > ISOLA_MAX_REQUEST || (buf = malloc(head[2] ? head[2] : 1)) == NULL) {
        isola_fail(sock, ISOLA_STEP_REQUEST, E2BIG, "request too large", NULL);
        return NULL;
    }
    if (isola_read_full(sock, buf, head[2]) != (int)head[2]) {
        isola_fail(sock, ISOLA_STEP_REQUEST, EPROTO, "truncated request body", NULL);
        return NULL;
    }
    *len = head[2];
    return buf;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/*
 * The request passed in the environment (ISOLA_REQUEST, lower-case hex of the same bytes as on the
 * channel): the helper starts on it at once instead of waiting for the JVM to accept the
 * connection and write it, a round trip of two wake-ups. The variable is wiped once read, so
 * /proc/PID/environ does not keep the workload's arguments and environment. Checked exactly like
 * a request read from the channel, and more: no byte may follow the body.
 */
static unsigned char *inline_request(int sock, char *hex, size_t *len)
{
    size_t n = strlen(hex);
    unsigned char *raw = NULL;
    uint32_t head[3];
    if (n % 2 != 0 || n / 2 > ISOLA_MAX_REQUEST + sizeof head || (raw = malloc(n / 2 + 1)) == NULL) {
        isola_fail(sock, ISOLA_STEP_REQUEST, EPROTO, "malformed inline request", NULL);
        return NULL;
    }
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_value(hex[2 * i]);
        int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            isola_fail(sock, ISOLA_STEP_REQUEST, EPROTO, "malformed inline request", NULL);
            return NULL;
        }
        raw[i] = (unsigned char)(hi << 4 | lo);
    }
    memset(hex, 0, n);
    n /= 2;
    if (n < sizeof head) {
        isola_fail(sock, ISOLA_STEP_REQUEST, EPROTO, "truncated request header", NULL);
        return NULL;
    }
    memcpy(head, raw, sizeof head);
    if (head[0] != ISOLA_MAGIC || head[1] != ISOLA_PROTOCOL_VERSION) {
        isola_fail(sock, ISOLA_STEP_REQUEST, EPROTO, "wrong magic or protocol version", NULL);
        return NULL;
    }
    if (head[2] > ISOLA_MAX_REQUEST) {
        isola_fail(sock, ISOLA_STEP_REQUEST, E2BIG, "request too large", NULL);
        return NULL;
    }
    if (n - sizeof head < head[2]) {
        isola_fail(sock, ISOLA_STEP_REQUEST, EPROTO, "truncated request body", NULL);
        return NULL;
    }
    if (n - sizeof head > head[2]) {
        isola_fail(sock, ISOLA_STEP_REQUEST, EPROTO, "malformed inline request", NULL);
        return NULL;
    }
    *len = head[2];
    return raw + sizeof head;
}

/* Blocks the signals this process and the init handle through a signalfd. */
static int block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGQUIT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGUSR1);
    sigaddset(set, SIGUSR2);
    sigaddset(set, SIGPIPE);
    return sigprocmask(SIG_BLOCK, set, NULL);
}

/*
 * With ISOLA_FLAG_HOLD: tells the supervisor that the namespaces are ready (a CREATED record where
 * an ERROR would go) and waits for ISOLA_CMD_START. Anything else, or the supervisor gone, ends it.
 */
static void await_start(int errw, int ctlr)
{
    int32_t cmd[2];
    isola_report(errw, ISOLA_ST_CREATED, 0, 0, 0, NULL);
    if (isola_read_full(ctlr, cmd, sizeof cmd) != (int)sizeof cmd || cmd[0] != ISOLA_CMD_START)
        _exit(125);
}

/* The sandbox's pid 1: reaps everything, reports the workload's status, forwards signals. */
static void run_init(int errw, int statw, int ctlr, int devnull, int syncr, sigset_t *mask) __attribute__((noreturn));
static void run_init(int errw, int statw, int ctlr, int devnull, int syncr, sigset_t *mask)
{
    int main_done = 0;
    pid_t w;
    int sfd;
    /*
     * The namespaces are set up while the supervisor moves this process into the sandbox's cgroups:
     * on cgroup v1 the first move after an idle spell waits for an RCU grace period (10 to 20 ms
     * here), which this overlaps. Nothing forks before the placement is done.
     */
    if (into_fd >= 0)
        close(into_fd);
    if ((req.clone_flags & CLONE_NEWUSER) && isola_setup_userns_maps(errw, &req) < 0)
        _exit(125);
    if (isola_setup_root(errw, &req) < 0)
        _exit(125);
    if (netns_chan[1] >= 0)
        enter_netns(errw);
    if ((req.clone_flags & CLONE_NEWUTS) && req.hostname != NULL
        && sethostname(req.hostname, strlen(req.hostname)) < 0) {
        isola_fail(errw, ISOLA_STEP_HOSTNAME, errno, req.hostname, NULL);
        _exit(125);
    }
    if ((req.flags & ISOLA_FLAG_LOOPBACK) && !netns_by_supervisor() && isola_setup_loopback(errw) < 0)
        _exit(125);
    await_placement(syncr);
    /* the cgroup namespace is made after joining the sandbox's cgroups, so that they are its root */
    if ((req.clone_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0) {
        isola_fail(errw, ISOLA_STEP_CLONE, errno, "cgroup namespace", NULL);
        _exit(125);
    }
    if (req.flags & ISOLA_FLAG_HOLD)
        await_start(errw, ctlr);
    if (req.naddrs > 0 && isola_setup_network(errw, &req) < 0)
        _exit(125);
    sfd = signalfd(-1, mask, SFD_CLOEXEC);
    if (sfd < 0) {
        isola_fail(errw, ISOLA_STEP_FORK, errno, "signalfd", NULL);
        _exit(125);
    }
    w = fork();
    if (w < 0) {
        isola_fail(errw, ISOLA_STEP_FORK, errno, "workload", NULL);
        _exit(125);
    }
    if (w == 0)
        isola_exec_workload(errw, &req);
    close(errw);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    for (;;) {
        struct pollfd pfd[2] = {{sfd, POLLIN, 0}, {ctlr, POLLIN, 0}};
        if (poll(pfd, 2, -1) < 0)
            continue;
        if (pfd[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) != sizeof si)
                continue;
            if (si.ssi_signo != SIGCHLD) {
                kill(-1, (int)si.ssi_signo);
                continue;
            }
            for (;;) {
                int st;
                pid_t p = waitpid(-1, &st, WNOHANG);
                if (p <= 0)
                    break;
                if (p == w && !main_done) {
                    main_done = 1;
                    (void)isola_write_full(statw, &st, sizeof st);
                    if (!(req.flags & ISOLA_FLAG_KEEP))
                        _exit(0);
                }
            }
        }
        if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            int32_t cmd[2];
            if (isola_read_full(ctlr, cmd, sizeof cmd) != (int)sizeof cmd)
                _exit(0); /* the outer helper is gone: so is the sandbox */
            if (cmd[0] == ISOLA_CMD_SIGNAL_MAIN && !main_done)
                kill(w, cmd[1]);
            else if (cmd[0] == ISOLA_CMD_SIGNAL_ALL)
                kill(-1, cmd[1]);
        }
    }
}

static int workload_pid(pid_t init)
{
    char path[64];
    char buf[64];
    isola_format(path, sizeof path, "/proc/%d/task/%d/children", init, init);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return init;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return init;
    buf[n] = '\0';
    int pid = isola_parse_int(buf);
    return pid > 0 ? pid : init;
}

/* Relays commands from Java and statuses from the sandbox until the child is gone. */
static int supervise(int sock, pid_t child, int statr, int ctlw, sigset_t *mask)
{
    int sfd = signalfd(-1, mask, SFD_CLOEXEC);
    int reported = 0;
    int status = 0;
    int sock_open = 1;
    for (;;) {
        struct pollfd pfd[3] = {{sfd, POLLIN, 0}, {sock_open ? sock : -1, POLLIN, 0}, {statr, POLLIN, 0}};
        if (poll(pfd, 3, -1) < 0)
            continue;
        if (pfd[2].revents & (POLLIN | POLLHUP)) {
            if (!reported && isola_read_full(statr, &status, sizeof status) == (int)sizeof status) {
                reported = 1;
                isola_report(sock, ISOLA_ST_EXIT, 0, 0, status, NULL);
            } else {
                statr = -1;
            }
        }
        if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            int32_t cmd[2];
            if (isola_read_full(sock, cmd, sizeof cmd) != (int)sizeof cmd) {
                sock_open = 0;
                kill(child, SIGKILL);
            } else if (ctlw >= 0) {
                (void)isola_write_full(ctlw, cmd, sizeof cmd);
            } else {
                kill(child, cmd[1]);
            }
        }
        if (pfd[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            int st;
            if (read(sfd, &si, sizeof si) != sizeof si)
                continue;
            if (si.ssi_signo != SIGCHLD) {
                int32_t cmd[2] = {ISOLA_CMD_SIGNAL_ALL, (int32_t)si.ssi_signo};
                if (si.ssi_signo == SIGPIPE)
                    continue;
                if (ctlw >= 0)
                    (void)isola_write_full(ctlw, cmd, sizeof cmd);
                else
                    kill(child, (int)si.ssi_signo);
                continue;
            }
            if (waitpid(child, &st, WNOHANG) != child)
                continue;
            /* the init writes the workload's status before it exits; prefer it to the init's own */
            if (!reported) {
                if (statr < 0 || isola_read_full(statr, &status, sizeof status) != (int)sizeof status)
                    status = st;
                isola_report(sock, ISOLA_ST_EXIT, 0, 0, status, NULL);
            }
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
    }
}

/* Waits for the setup outcome on errr; forwards an ERROR or reports STARTED. workload 0: ask the init. */
static int await_exec(int sock, int errr, pid_t child, int init_pid, int workload)
{
    unsigned char rec[ISOLA_STATUS_SIZE];
    int n = isola_read_full(errr, rec, sizeof rec);
    uint32_t type = 0;
    if (n == (int)sizeof rec)
        memcpy(&type, rec, sizeof type);
    if (type == ISOLA_ST_CREATED) {
        /* held: Java prepares what needs the namespaces (the network), then says start or goes away */
        int32_t cmd[2];
        isola_report(sock, ISOLA_ST_CREATED, 0, 0, init_pid, NULL);
        if (isola_read_full(sock, cmd, sizeof cmd) != (int)sizeof cmd || cmd[0] != ISOLA_CMD_START) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            close(errr);
            return -1;
        }
        (void)isola_write_full(held_ctl, cmd, sizeof cmd);
        n = isola_read_full(errr, rec, sizeof rec);
    }
    close(errr);
    if (n == (int)sizeof rec) {
        (void)isola_write_full(sock, rec, sizeof rec);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return -1;
    }
    isola_report(sock, ISOLA_ST_STARTED, init_pid, 0, workload ? workload : workload_pid(init_pid), NULL);
    return 0;
}

/* Enters the network namespace of another sandbox's init (after its user namespace, if rootless). */
static int join_network(int sock)
{
    char path[64];
    int fd;
    if (req.flags & ISOLA_FLAG_USERNS) {
        isola_format(path, sizeof path, "/proc/%u/ns/user", req.net_join_pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWUSER) < 0) {
            isola_fail(sock, ISOLA_STEP_SETNS, errno, path, NULL);
            return -1;
        }
        close(fd);
    }
    isola_format(path, sizeof path, "/proc/%u/ns/net", req.net_join_pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
        isola_fail(sock, ISOLA_STEP_SETNS, errno, path, NULL);
        return -1;
    }
    close(fd);
    return 0;
}

static int mode_init(int sock, int devnull, sigset_t *mask)
{
    int errp[2], statp[2], ctlp[2], syncp[2];
    if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(statp, O_CLOEXEC) < 0 || pipe2(ctlp, O_CLOEXEC) < 0
        || pipe2(syncp, O_CLOEXEC) < 0) {
        isola_fail(sock, ISOLA_STEP_CLONE, errno, "pipe", NULL);
        return 125;
    }
    if (req.net_join_pid != 0 && join_network(sock) < 0)
        return 125;
    uint64_t flags = req.clone_flags & ~(uint64_t)CLONE_NEWCGROUP;
    if (netns_by_supervisor()) {
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, netns_chan) < 0) {
            isola_fail(sock, ISOLA_STEP_CLONE, errno, "socketpair", NULL);
            return 125;
        }
        flags &= ~(uint64_t)CLONE_NEWNET;
    }
    pid_t c = clone_child(flags);
    if (c < 0) {
        isola_fail(sock, ISOLA_STEP_CLONE, errno, "namespaces", NULL);
        return 125;
    }
    if (c == 0) {
        close(sock);
        close(errp[0]);
        close(statp[0]);
        close(ctlp[1]);
        close(syncp[1]);
        run_init(errp[1], statp[1], ctlp[0], devnull, syncp[0], mask);
    }
    close(errp[1]);
    close(statp[1]);
    close(ctlp[0]);
    close(syncp[0]);
    if (netns_chan[0] >= 0 && make_netns(sock) < 0) {
        kill(c, SIGKILL);
        waitpid(c, NULL, 0);
        return 125;
    }
    if (place_in_cgroups(sock, c, syncp[1]) < 0) {
        kill(c, SIGKILL);
        waitpid(c, NULL, 0);
        return 125;
    }
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    held_ctl = ctlp[1];
    if (await_exec(sock, errp[0], c, c, 0) < 0)
        return 125;
    return supervise(sock, c, statp[0], ctlp[1], mask);
}

static int mode_join(int sock, int devnull, sigset_t *mask)
{
    static const struct { int flag; const char *name; } order[] = {
        {CLONE_NEWUSER, "user"}, {CLONE_NEWIPC, "ipc"}, {CLONE_NEWUTS, "uts"}, {CLONE_NEWNET, "net"},
        {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWPID, "pid"}, {CLONE_NEWNS, "mnt"}};
    int fds[7];
    char path[64];
    int errp[2];
    isola_format(path, sizeof path, "/proc/%u/root", req.join_pid);
    int rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        isola_fail(sock, ISOLA_STEP_SETNS, errno, path, NULL);
        return 125;
    }
    for (int i = 0; i < 7; i++) {
        fds[i] = -1;
        if (!(req.clone_flags & (uint64_t)order[i].flag))
            continue;
        isola_format(path, sizeof path, "/proc/%u/ns/%s", req.join_pid, order[i].name);
        fds[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) {
            isola_fail(sock, ISOLA_STEP_SETNS, errno, path, NULL);
            return 125;
        }
    }
    /*
     * The cgroup namespace is joined by the child once it is in the sandbox's cgroups: on a cgroup2
     * mounted with nsdelegate (systemd's default) a process may move only between cgroups under its
     * own cgroup namespace's root, and clone3(CLONE_INTO_CGROUP) or a write to cgroup.procs from
     * inside the sandbox's namespace would fail with ENOENT, the helper's own cgroup being outside it.
     */
    int cgroupns = -1;
    for (int i = 0; i < 7; i++) {
        if (order[i].flag == CLONE_NEWCGROUP) {
            cgroupns = fds[i];
            continue;
        }
        if (fds[i] >= 0 && setns(fds[i], order[i].flag) < 0) {
            isola_fail(sock, ISOLA_STEP_SETNS, errno, order[i].name, NULL);
            return 125;
        }
        if (fds[i] >= 0)
            close(fds[i]);
    }
    if (fchdir(rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
        isola_fail(sock, ISOLA_STEP_SETNS, errno, "root", NULL);
        return 125;
    }
    close(rootfd);
    int syncp[2];
    if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(syncp, O_CLOEXEC) < 0) {
        isola_fail(sock, ISOLA_STEP_FORK, errno, "pipe", NULL);
        return 125;
    }
    pid_t w = clone_child(0);
    if (w < 0) {
        isola_fail(sock, ISOLA_STEP_FORK, errno, "workload", NULL);
        return 125;
    }
    if (w == 0) {
        close(sock);
        close(errp[0]);
        close(syncp[1]);
        await_placement(syncp[0]);
        if (cgroupns >= 0 && setns(cgroupns, CLONE_NEWCGROUP) < 0) {
            isola_fail(errp[1], ISOLA_STEP_SETNS, errno, "cgroup", NULL);
            _exit(127);
        }
        isola_exec_workload(errp[1], &req);
    }
    close(errp[1]);
    close(syncp[0]);
    if (cgroupns >= 0)
        close(cgroupns);
    if (place_in_cgroups(sock, w, syncp[1]) < 0) {
        kill(w, SIGKILL);
        waitpid(w, NULL, 0);
        return 125;
    }
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    if (await_exec(sock, errp[0], w, (int)req.join_pid, w) < 0)
        return 125;
    return supervise(sock, w, -1, -1, mask);
}

int main(int argc, char **argv)
{
    char why[ISOLA_DETAIL_SIZE];
    sigset_t mask;
    size_t len;
    unsigned char *buf;
    int sock, devnull;
    if (argc != 3 || strcmp(argv[1], "1") != 0)
        usage();
    sock = connect_channel(argv[2]);
    if (sock < 0)
        usage();
    devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0) {
        isola_fail(sock, ISOLA_STEP_CHANNEL, errno, "/dev/null", NULL);
        return 125;
    }
    char *inl = getenv("ISOLA_REQUEST");
    buf = inl != NULL ? inline_request(sock, inl, &len) : read_request(sock, &len);
    if (buf == NULL)
        return 125;
    if (isola_parse_request(buf, len, &req, why, sizeof why) < 0) {
        isola_fail(sock, ISOLA_STEP_REQUEST, EINVAL, why, NULL);
        return 125;
    }
    if (open_cgroups(sock) < 0)
        return 125;
    if (block_signals(&mask) < 0) {
        isola_fail(sock, ISOLA_STEP_CHANNEL, errno, "sigprocmask", NULL);
        return 125;
    }
    return req.mode == ISOLA_MODE_INIT ? mode_init(sock, devnull, &mask) : mode_join(sock, devnull, &mask);
}
