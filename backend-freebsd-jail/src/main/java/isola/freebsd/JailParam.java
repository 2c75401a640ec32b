// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One name/value pair of the jail(2) and nmount(2) iovec protocol, with the value already encoded
 * as the kernel reads it (jail(2), "The iovec name/value protocol"): strings NUL-terminated, ints
 * 4 bytes in native order, "jailsys" tri-states as ints, booleans as a name with no value
 * (a {@code no} prefix on the last component clears them), address lists as concatenated
 * {@code struct in_addr}/{@code in6_addr} in network order.
 *
 * @param name the parameter name, e.g. {@code host.hostname}
 * @param kind how the value is encoded
 * @param value the encoded value, or null for a boolean (iov_base NULL, iov_len 0)
 */
public record JailParam(String name, Kind kind, byte[] value) {
    /** Value encodings. */
    public enum Kind {
        /** NUL-terminated string. */ STRING,
        /** 4-byte native int (also jailsys). */ INT,
        /** no value. */ BOOL,
        /** concatenated in_addr / in6_addr. */ ADDRESSES
    }

    /** jailsys values of sys/jail.h. */
    public enum JailSys {
        /** JAIL_SYS_DISABLE = 0. */ DISABLE(0),
        /** JAIL_SYS_NEW = 1. */ NEW(1),
        /** JAIL_SYS_INHERIT = 2. */ INHERIT(2);

        private final int value;

        JailSys(int v) {
            this.value = v;
        }

        /** @return the C value */
        public int value() {
            return value;
        }
    }

    /** Checks the name. */
    public JailParam {
        if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("jail parameter name must be non-empty without NUL: \"" + name + "\"");
        }
        if ((kind == Kind.BOOL) != (value == null)) {
            throw new IllegalArgumentException("jail parameter " + name + ": a boolean has no value, every other kind has one");
        }
    }

    /** @param name the name @param s the value @return a string parameter */
    public static JailParam string(String name, String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("jail parameter " + name + " contains a NUL byte");
        }
        return new JailParam(name, Kind.STRING, cString(s));
    }

    /** @param name the name @param v the value @return a 4-byte native int parameter */
    public static JailParam integer(String name, int v) {
        return new JailParam(name, Kind.INT, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array());
    }

    /** @param name the name @param v the tri-state @return a jailsys parameter */
    public static JailParam jailsys(String name, JailSys v) {
        return integer(name, v.value());
    }

    /**
     * @param name a boolean parameter such as {@code persist} or {@code allow.raw_sockets}
     * @param on whether to set or clear it
     * @return the parameter; cleared as {@code nopersist}, {@code allow.noraw_sockets}
     */
    public static JailParam bool(String name, boolean on) {
        if (on) {
            return new JailParam(name, Kind.BOOL, null);
        }
        int dot = name.lastIndexOf('.');
        return new JailParam(name.substring(0, dot + 1) + "no" + name.substring(dot + 1), Kind.BOOL, null);
    }

    /**
     * @param name {@code ip4.addr} or {@code ip6.addr}
     * @param addresses literal addresses of the matching family
     * @return concatenated in_addr (4 bytes) or in6_addr (16 bytes), network order
     */
    public static JailParam addresses(String name, List<InetAddress> addresses) {
        boolean v6 = name.startsWith("ip6");
        ByteBuffer b = ByteBuffer.allocate(addresses.size() * (v6 ? 16 : 4));
        for (InetAddress a : addresses) {
            if (v6 ? !(a instanceof Inet6Address) : !(a instanceof Inet4Address)) {
                throw new IllegalArgumentException(a.getHostAddress() + " is not an " + (v6 ? "IPv6" : "IPv4") + " address for " + name);
            }
            b.put(a.getAddress());
        }
        return new JailParam(name, Kind.ADDRESSES, b.array());
    }

    /** @param s a string @return its UTF-8 bytes and a NUL */
    public static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(b, b.length + 1);
    }

    /** @return whether this is a boolean (no value) */
    public boolean isBoolean() {
        return value == null;
    }

    /** @return a readable form for logs, records and tests: {@code name=value} */
    public String render() {
        if (kind == Kind.BOOL) {
            return name;
        }
        if (kind == Kind.ADDRESSES) {
            StringBuilder b = new StringBuilder(name).append('=');
            int size = name.startsWith("ip6") ? 16 : 4;
            for (int i = 0; i < value.length; i += size) {
                try {
                    b.append(i == 0 ? "" : ",").append(InetAddress.getByAddress(Arrays.copyOfRange(value, i, i + size)).getHostAddress());
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
            return b.toString();
        }
        if (kind == Kind.STRING) {
            return name + "=" + new String(value, 0, value.length - 1, StandardCharsets.UTF_8);
        }
        return name + "=" + ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JailParam p && p.name.equals(name) && p.kind == kind && Arrays.equals(p.value, value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return render();
    }
}
