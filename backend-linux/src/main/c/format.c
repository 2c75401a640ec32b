/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tiny formatter (%s, %d, %u, %zu) so the helper needs no stdio: it stays async-signal-safe
 * and its static binary small, which is most of what it keeps resident.
 */
#include <stdarg.h>
#include <string.h>
#include "isola_spawn.h"

static size_t put(char *buf, size_t n, size_t at, const char *s, size_t len)
{
    for (size_t i = 0; i < len && at + 1 < n; i++)
        buf[at++] = s[i];
    return at;
}

static size_t put_unsigned(char *buf, size_t n, size_t at, unsigned long long v)
{
    char digits[24];
    size_t k = sizeof digits;
    do {
        digits[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return put(buf, n, at, digits + k, sizeof digits - k);
}

void isola_format(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    size_t at = 0;
    if (n == 0)
        return;
    va_start(ap, fmt);
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            at = put(buf, n, at, p, 1);
            continue;
        }
        p++;
        if (*p == 's') {
            const char *s = va_arg(ap, const char *);
            at = put(buf, n, at, s, strlen(s));
        } else if (*p == 'd') {
            int v = va_arg(ap, int);
            if (v < 0) {
                at = put(buf, n, at, "-", 1);
                at = put_unsigned(buf, n, at, (unsigned long long)(-(long long)v));
            } else {
                at = put_unsigned(buf, n, at, (unsigned long long)v);
            }
        } else if (*p == 'u') {
            at = put_unsigned(buf, n, at, va_arg(ap, unsigned int));
        } else if (*p == 'z' && p[1] == 'u') {
            p++;
            at = put_unsigned(buf, n, at, va_arg(ap, size_t));
        } else if (*p == '\0') {
            break;
        } else {
            at = put(buf, n, at, p - 1, 2);
        }
    }
    va_end(ap);
    buf[at] = '\0';
}

int isola_parse_int(const char *s)
{
    int v = 0;
    while (*s == ' ')
        s++;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return v;
}
