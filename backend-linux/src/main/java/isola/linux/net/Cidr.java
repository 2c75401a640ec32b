// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import isola.api.SpecValidationException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.88.0.0/16}, {@code fd88::/64}). Addresses
 * are parsed literally, never looked up by name.
 *
 * @param network the first address (host bits zero)
 * @param prefix the prefix length
 */
public record Cidr(InetAddress network, int prefix) {
    /** Validates. */
    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new SpecValidationException("prefix length must be between 0 and " + bits + ", got " + prefix);
        }
    }

    /**
     * @param text {@code ADDRESS/PREFIX}
     * @return the network; host bits must be zero
     * @throws SpecValidationException when it is not a network in CIDR notation
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new SpecValidationException("invalid CIDR \"" + text + "\": expected ADDRESS/PREFIX, e.g. 10.88.0.0/16");
        }
        InetAddress a = address(text.substring(0, slash));
        int bits = a.getAddress().length * 8;
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
            throw new SpecValidationException("invalid CIDR \"" + text + "\": the prefix length must be 0 to " + bits);
        }
        Cidr c = new Cidr(a, prefix);
        if (!c.network().equals(c.at(BigInteger.ZERO))) {
            throw new SpecValidationException("invalid CIDR \"" + text + "\": host bits are set (the network is "
                    + format(c.at(BigInteger.ZERO)) + "/" + prefix + ")");
        }
        return c;
    }

    /**
     * @param text a literal IPv4 or IPv6 address
     * @return it
     * @throws SpecValidationException when it is not an address literal
     */
    public static InetAddress address(String text) {
        String t = text.trim();
        try {
            if (t.indexOf(':') >= 0 && t.matches("[0-9A-Fa-f:.]+")) {
                return InetAddress.getByName(t);
            }
            String[] parts = t.split("\\.", -1);
            if (parts.length == 4) {
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    if (!parts[i].matches("[0-9]{1,3}") || Integer.parseInt(parts[i]) > 255) {
                        throw new UnknownHostException(t);
                    }
                    b[i] = (byte) Integer.parseInt(parts[i]);
                }
                return InetAddress.getByAddress(b);
            }
        } catch (UnknownHostException e) {
            // falls through to the error below
        }
        throw new SpecValidationException("invalid IP address \"" + text + "\"");
    }

    /**
     * @param a an address
     * @return its text: dotted IPv4, or IPv6 with the longest run of zero groups as {@code ::} (RFC 5952)
     */
    public static String format(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return a.getHostAddress();
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestAt = -1;
        int bestLen = 1;
        for (int i = 0; i < 8;) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestAt = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestAt) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }

    /** @return whether this is an IPv6 network */
    public boolean ipv6() {
        return network.getAddress().length == 16;
    }

    private int bits() {
        return network.getAddress().length * 8;
    }

    /** @return how many addresses the network spans */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(bits() - prefix);
    }

    /**
     * @param a an address
     * @return whether it lies in this network
     */
    public boolean contains(InetAddress a) {
        if (a.getAddress().length != network.getAddress().length) {
            return false;
        }
        BigInteger off = new BigInteger(1, a.getAddress()).subtract(new BigInteger(1, network.getAddress()));
        return off.signum() >= 0 && off.compareTo(size()) < 0;
    }

    /**
     * @param a an address in this network
     * @return its offset from the network address
     */
    public BigInteger offset(InetAddress a) {
        return new BigInteger(1, a.getAddress()).subtract(new BigInteger(1, network.getAddress()));
    }

    /**
     * @param offset from the network address
     * @return the address there
     */
    public InetAddress at(BigInteger offset) {
        BigInteger base = new BigInteger(1, network.getAddress()).shiftRight(bits() - prefix).shiftLeft(bits() - prefix);
        byte[] raw = base.add(offset).toByteArray();
        byte[] out = new byte[network.getAddress().length];
        int n = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - n, out, out.length - n, n);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the gateway: the first address after the network address, held by the bridge */
    public InetAddress gateway() {
        return at(BigInteger.ONE);
    }

    /**
     * @param a an address
     * @return whether a sandbox may have it: in the network, not the network address, the gateway
     *     or (IPv4) the broadcast address
     */
    public boolean assignable(InetAddress a) {
        if (!contains(a)) {
            return false;
        }
        BigInteger off = offset(a);
        BigInteger last = size().subtract(BigInteger.ONE);
        return off.compareTo(BigInteger.ONE) > 0 && (ipv6() || off.compareTo(last) < 0);
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefix;
    }
}
