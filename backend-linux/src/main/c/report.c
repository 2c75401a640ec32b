/* SPDX-License-Identifier: Apache-2.0 */
/* Status records: fixed-size, written in one write(2) so a reader never sees half of one. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "isola_spawn.h"

int isola_write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int isola_read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            return (int)got; /* short: end of file */
        got += (size_t)n;
    }
    return (int)got;
}

void isola_report(int fd, int type, int step, int err, int value, const char *detail)
{
    unsigned char rec[ISOLA_STATUS_SIZE];
    int32_t head[4] = {type, step, err, value};
    memset(rec, 0, sizeof rec);
    memcpy(rec, head, sizeof head);
    if (detail != NULL) {
        size_t n = strlen(detail);
        if (n > ISOLA_DETAIL_SIZE - 1)
            n = ISOLA_DETAIL_SIZE - 1;
        memcpy(rec + 16, detail, n);
    }
    (void)isola_write_full(fd, rec, sizeof rec);
}

/* Reports an error; the detail is "what" or "what -> more". Async-signal-safe. */
void isola_fail(int fd, int step, int err, const char *what, const char *more)
{
    char detail[ISOLA_DETAIL_SIZE];
    size_t n = 0;
    detail[0] = '\0';
    if (what != NULL) {
        size_t w = strlen(what);
        if (w > sizeof detail - 1)
            w = sizeof detail - 1;
        memcpy(detail, what, w);
        n = w;
    }
    if (more != NULL && n + 4 < sizeof detail) {
        size_t m = strlen(more);
        memcpy(detail + n, " -> ", 4);
        n += 4;
        if (m > sizeof detail - 1 - n)
            m = sizeof detail - 1 - n;
        memcpy(detail + n, more, m);
        n += m;
    }
    detail[n] = '\0';
    isola_report(fd, ISOLA_ST_ERROR, step, err, 0, detail);
}
