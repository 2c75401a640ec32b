/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Builds the sandbox's root in its new mount namespace: the root (host root or a directory)
 * bound onto itself, then the mount operations Java planned, then pivot_root with the old root
 * detached. Every target is resolved inside the new root with openat2(RESOLVE_IN_ROOT), so a
 * symlink planted in a root directory cannot redirect a mount outside it; missing targets are
 * created the same way, one component at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "isola_spawn.h"

#define HOST_STAGE "/tmp"
#define HOST_ROOT "/tmp/isola-root"

static int open_in_root(int rootfd, const char *path, int flags)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    while (*path == '/')
        path++;
    if (*path == '\0')
        path = ".";
    return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

/* Creates name in the directory parent (resolved in the root); 0 when it exists already. */
static int create_last(int parent, const char *name, int is_file, mode_t mode)
{
    int rc;
    if (is_file) {
        rc = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (rc >= 0)
            close(rc);
    } else {
        rc = mkdirat(parent, name, mode);
    }
    return rc < 0 && errno != EEXIST ? -1 : 0;
}

/* Creates every missing component of path inside the root; the last one as a file if asked. */
static int create_in_root(int rootfd, const char *path, int last_is_file, mode_t mode)
{
    char buf[4096];
    size_t len = strlen(path);
    if (len >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, len + 1);
    /* the usual case (a device node in the new /dev, /dev/pts): the parent exists, make the last one */
    char *final = strrchr(buf, '/');
    if (final != NULL && final != buf && final[1] != '\0') {
        *final = '\0';
        int parent = open_in_root(rootfd, buf, O_PATH | O_DIRECTORY);
        *final = '/';
        if (parent >= 0) {
            int rc = create_last(parent, final + 1, last_is_file, mode);
            close(parent);
            return rc;
        }
        if (errno != ENOENT)
            return -1;
    }
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        int last = saved == '\0';
        *p = '\0';
        int fd = open_in_root(rootfd, buf, O_PATH);
        if (fd >= 0) {
            close(fd);
        } else if (errno == ENOENT) {
            char *slash = strrchr(buf, '/');
            const char *name = slash + 1;
            int parent;
            int rc;
            *slash = '\0';
            parent = open_in_root(rootfd, buf[0] ? buf : "/", O_PATH | O_DIRECTORY);
            *slash = '/';
            if (parent < 0)
                return -1;
            rc = create_last(parent, name, last && last_is_file, last ? mode : 0755);
            close(parent);
            if (rc < 0)
                return -1;
        } else {
            return -1;
        }
        *p = saved;
        if (last)
            return 0;
    }
}

static int target_fd(int rootfd, const struct isola_mount_op *m, int file_source)
{
    int fd = open_in_root(rootfd, m->b, O_PATH);
    if (fd < 0 && errno == ENOENT && (m->flags & ISOLA_MOPF_CREATE)) {
        if (create_in_root(rootfd, m->b, file_source, 0755) < 0)
            return -1;
        fd = open_in_root(rootfd, m->b, O_PATH);
    }
    return fd;
}

static int set_rdonly(int fd, int recursive)
{
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = MOUNT_ATTR_RDONLY;
    return mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr);
}

/* Detached copies of every bind source, taken before the staging tmpfs can hide any host path. */
static int trees[ISOLA_MAX_ITEMS];

static int clone_sources(int errfd, const struct isola_request *req)
{
    for (size_t i = 0; i < req->nmounts; i++) {
        const struct isola_mount_op *m = &req->mounts[i];
        trees[i] = -1;
        if (m->op != ISOLA_MOP_BIND)
            continue;
        trees[i] = open_tree(AT_FDCWD, m->a, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (trees[i] < 0) {
            isola_fail(errfd, ISOLA_STEP_MOUNT, errno, m->a, m->b);
            return -1;
        }
    }
    return 0;
}

static int do_bind(int errfd, int rootfd, const struct isola_mount_op *m, int tree)
{
    struct stat st;
    if (fstat(tree, &st) < 0 || ((m->mountflags & MS_RDONLY) && set_rdonly(tree, 1) < 0)) {
        isola_fail(errfd, ISOLA_STEP_MOUNT, errno, m->a, m->b);
        close(tree);
        return -1;
    }
    int dst = target_fd(rootfd, m, !S_ISDIR(st.st_mode));
    if (dst < 0 || move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
        isola_fail(errfd, ISOLA_STEP_MOUNT, errno, m->a, m->b);
        close(tree);
        if (dst >= 0)
            close(dst);
        return -1;
    }
    close(tree);
    close(dst);
    return 0;
}

static int do_fs(int errfd, int rootfd, const struct isola_mount_op *m)
{
    char where[64];
    int dst = target_fd(rootfd, m, 0);
    if (dst < 0) {
        isola_fail(errfd, ISOLA_STEP_MOUNT, errno, m->a, m->b);
        return -1;
    }
    isola_format(where, sizeof where, "/proc/self/fd/%d", dst);
    int rc = mount(m->a, where, m->a, (unsigned long)m->mountflags, m->c[0] ? m->c : NULL);
    int err = errno;
    close(dst);
    if (rc < 0) {
        isola_fail(errfd, ISOLA_STEP_MOUNT, err, m->a, m->b);
        return -1;
    }
    return 0;
}

static int do_symlink(int errfd, int rootfd, const struct isola_mount_op *m)
{
    char parent[4096];
    const char *slash = strrchr(m->b, '/');
    size_t plen = (size_t)(slash - m->b);
    if (plen >= sizeof parent) {
        isola_fail(errfd, ISOLA_STEP_MOUNT, ENAMETOOLONG, "symlink", m->b);
        return -1;
    }
    memcpy(parent, m->b, plen);
    parent[plen] = '\0';
    int dir = open_in_root(rootfd, plen ? parent : "/", O_PATH | O_DIRECTORY);
    if (dir < 0 || symlinkat(m->a, dir, slash + 1) < 0) {
        isola_fail(errfd, ISOLA_STEP_MOUNT, errno, "symlink", m->b);
        if (dir >= 0)
            close(dir);
        return -1;
    }
    close(dir);
    return 0;
}

static int run_ops(int errfd, int rootfd, const struct isola_request *req)
{
    for (size_t i = 0; i < req->nmounts; i++) {
        const struct isola_mount_op *m = &req->mounts[i];
        int rc = 0;
        switch (m->op) {
        case ISOLA_MOP_FS:
            rc = do_fs(errfd, rootfd, m);
            break;
        case ISOLA_MOP_BIND:
            rc = do_bind(errfd, rootfd, m, trees[i]);
            break;
        case ISOLA_MOP_MKDIR:
            if (create_in_root(rootfd, m->b, 0, (mode_t)(m->flags & 07777)) < 0) {
                isola_fail(errfd, ISOLA_STEP_MOUNT, errno, "mkdir", m->b);
                rc = -1;
            }
            break;
        case ISOLA_MOP_SYMLINK:
            rc = do_symlink(errfd, rootfd, m);
            break;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

int isola_setup_root(int errfd, const struct isola_request *req)
{
    const char *newroot = (req->root && req->root[0]) ? req->root : HOST_ROOT;
    int host = newroot == (const char *)HOST_ROOT;
    int rootfd;

    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
        isola_fail(errfd, ISOLA_STEP_MOUNT_PROPAGATION, errno, "/", NULL);
        return -1;
    }
    if (clone_sources(errfd, req) < 0)
        return -1;
    if (host) {
        /*
         * A detached recursive copy of the host root, taken before the staging tmpfs exists, so the
         * copy holds no copy of the stage (a recursive bind made after it would, and unmounting that
         * copy cost an RCU grace period on every spawn).
         */
        int tree = open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (tree < 0) {
            isola_fail(errfd, ISOLA_STEP_ROOT, errno, "/", NULL);
            return -1;
        }
        if (mount("tmpfs", HOST_STAGE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=16k") < 0
            || mkdir(HOST_ROOT, 0700) < 0) {
            isola_fail(errfd, ISOLA_STEP_ROOT, errno, "staging tmpfs", HOST_STAGE);
            close(tree);
            return -1;
        }
        if (move_mount(tree, "", AT_FDCWD, HOST_ROOT, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
            isola_fail(errfd, ISOLA_STEP_ROOT, errno, "/", HOST_ROOT);
            close(tree);
            return -1;
        }
        close(tree);
    } else if (mount(newroot, newroot, NULL, MS_BIND | MS_REC, NULL) < 0) {
        isola_fail(errfd, ISOLA_STEP_ROOT, errno, newroot, NULL);
        return -1;
    }
    rootfd = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        isola_fail(errfd, ISOLA_STEP_ROOT, errno, newroot, NULL);
        return -1;
    }
    if (host && (req->flags & ISOLA_FLAG_ROOT_RDONLY) && set_rdonly(rootfd, 1) < 0) {
        isola_fail(errfd, ISOLA_STEP_ROOT, errno, "read-only host root", NULL);
        return -1;
    }
    if (run_ops(errfd, rootfd, req) < 0)
        return -1;
    if (!host && (req->flags & ISOLA_FLAG_ROOT_RDONLY) && set_rdonly(rootfd, 0) < 0) {
        isola_fail(errfd, ISOLA_STEP_ROOT, errno, "read-only root", newroot);
        return -1;
    }
    /* pivot_root(".", ".") stacks the old root under the new one; detaching it leaves only the new. */
    if (fchdir(rootfd) < 0 || syscall(SYS_pivot_root, ".", ".") < 0) {
        isola_fail(errfd, ISOLA_STEP_PIVOT_ROOT, errno, newroot, NULL);
        return -1;
    }
    if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
        isola_fail(errfd, ISOLA_STEP_PIVOT_ROOT, errno, "detach old root", NULL);
        return -1;
    }
    close(rootfd);
    return 0;
}
