/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network mode bridge, inside the sandbox: once the supervisor has moved its end of the veth pair
 * into the new network namespace (while the init held), the init gives it the sandbox's IPv4
 * address (and IPv6 address when there is one), brings it up and adds the default routes via the
 * bridge. Plain ioctls (netdevice(7), route(7)):
 * no netlink library, nothing that allocates, so it is safe between clone and exec. Runs before
 * pivot_root matters: the interface belongs to the network namespace, not to the mount namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "isola_spawn.h"

static void sin4(struct sockaddr *sa, const unsigned char *addr)
{
    struct sockaddr_in *in = (struct sockaddr_in *)sa;
    memset(in, 0, sizeof *in);
    in->sin_family = AF_INET;
    memcpy(&in->sin_addr, addr, 4);
}

/* struct in6_ifreq of linux/ipv6.h, which clashes with glibc's netinet/in.h */
struct isola_in6_ifreq {
    struct in6_addr addr;
    uint32_t prefixlen;
    int ifindex;
};

static int fail(int errfd, int s, const char *what)
{
    int err = errno;
    isola_fail(errfd, ISOLA_STEP_NETWORK, err, ISOLA_NET_IFNAME, what);
    close(s);
    return -1;
}

static int setup_ipv4(int errfd, const struct isola_net_addr *a)
{
    struct ifreq ifr;
    struct rtentry rt;
    unsigned char mask[4];
    uint32_t m = a->prefix == 0 ? 0 : 0xffffffffu << (32 - a->prefix);
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        isola_fail(errfd, ISOLA_STEP_NETWORK, errno, "socket", NULL);
        return -1;
    }
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, ISOLA_NET_IFNAME);
    sin4(&ifr.ifr_addr, a->address);
    if (ioctl(s, SIOCSIFADDR, &ifr) < 0)
        return fail(errfd, s, "address");
    mask[0] = (unsigned char)(m >> 24);
    mask[1] = (unsigned char)(m >> 16);
    mask[2] = (unsigned char)(m >> 8);
    mask[3] = (unsigned char)m;
    sin4(&ifr.ifr_netmask, mask);
    if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0)
        return fail(errfd, s, "netmask");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        return fail(errfd, s, "flags");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        return fail(errfd, s, "up");
    memset(&rt, 0, sizeof rt);
    sin4(&rt.rt_dst, (const unsigned char *)"\0\0\0\0");
    sin4(&rt.rt_genmask, (const unsigned char *)"\0\0\0\0");
    sin4(&rt.rt_gateway, a->gateway);
    rt.rt_flags = RTF_UP | RTF_GATEWAY;
    if (ioctl(s, SIOCADDRT, &rt) < 0)
        return fail(errfd, s, "default route");
    close(s);
    return 0;
}

/*
 * Duplicate address detection would keep the address tentative (unusable) for about a second; the
 * supervisor leased it, so nobody else on the bridge has it. /proc is the sandbox's fresh procfs,
 * and /proc/sys/net is the network namespace of whoever opens it: this one.
 */
static void no_dad(void)
{
    int fd = open("/proc/sys/net/ipv6/conf/" ISOLA_NET_IFNAME "/accept_dad", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)isola_write_full(fd, "0", 1);
        close(fd);
    }
}

static int setup_ipv6(int errfd, const struct isola_net_addr *a)
{
    struct ifreq ifr;
    struct isola_in6_ifreq req6;
    struct in6_rtmsg rt;
    int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        isola_fail(errfd, ISOLA_STEP_NETWORK, errno, "socket", "inet6");
        return -1;
    }
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, ISOLA_NET_IFNAME);
    if (ioctl(s, SIOCGIFINDEX, &ifr) < 0)
        return fail(errfd, s, "ifindex");
    no_dad();
    memset(&req6, 0, sizeof req6);
    memcpy(&req6.addr, a->address, 16);
    req6.prefixlen = a->prefix;
    req6.ifindex = ifr.ifr_ifindex;
    if (ioctl(s, SIOCSIFADDR, &req6) < 0)
        return fail(errfd, s, "ipv6 address");
    memset(&rt, 0, sizeof rt);
    memcpy(&rt.rtmsg_gateway, a->gateway, 16);
    rt.rtmsg_flags = RTF_UP | RTF_GATEWAY;
    rt.rtmsg_metric = 1;
    rt.rtmsg_ifindex = ifr.ifr_ifindex;
    if (ioctl(s, SIOCADDRT, &rt) < 0)
        return fail(errfd, s, "ipv6 default route");
    close(s);
    return 0;
}

int isola_setup_network(int errfd, const struct isola_request *req)
{
    /* IPv4 first: it brings the interface up, which the IPv6 route needs */
    for (size_t i = 0; i < req->naddrs; i++) {
        int rc = req->addrs[i].family == AF_INET ? setup_ipv4(errfd, &req->addrs[i]) : setup_ipv6(errfd, &req->addrs[i]);
        if (rc < 0)
            return -1;
    }
    return 0;
}
