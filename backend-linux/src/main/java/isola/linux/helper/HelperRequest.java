// SPDX-License-Identifier: Apache-2.0
package isola.linux.helper;

import isola.linux.ns.MountOp;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One request to the helper, laid out flat: a header, then tagged length-prefixed records in
 * native byte order (Java and the helper run on the same machine). Everything the helper does is
 * decided here; the helper only executes it.
 */
public final class HelperRequest {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
    private final List<String> args = new ArrayList<>();

    private static ByteBuffer buf(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.nativeOrder());
    }

    private HelperRequest record(int tag, byte[] data) {
        ByteBuffer h = buf(8);
        h.putShort((short) tag).putShort((short) 0).putInt(data.length);
        body.writeBytes(h.array());
        body.writeBytes(data);
        return this;
    }

    private static byte[] cstr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    private HelperRequest u32(int tag, int v) {
        return record(tag, buf(4).putInt(v).array());
    }

    private HelperRequest u64(int tag, long v) {
        return record(tag, buf(8).putLong(v).array());
    }

    private HelperRequest str(int tag, String s) {
        return record(tag, cstr(s));
    }

    /** @param mode MODE_INIT or MODE_JOIN @return this */
    public HelperRequest mode(int mode) {
        return u32(HelperProtocol.TAG_MODE, mode);
    }

    /** @param flags CLONE_NEW* to create (init) or join (join) @return this */
    public HelperRequest cloneFlags(long flags) {
        return u64(HelperProtocol.TAG_CLONE_FLAGS, flags);
    }

    /** @param flags FLAG_* @return this */
    public HelperRequest flags(int flags) {
        return u32(HelperProtocol.TAG_FLAGS, flags);
    }

    /** @param uidMap uid_map text @param gidMap gid_map text @return this */
    public HelperRequest idMaps(String uidMap, String gidMap) {
        return str(HelperProtocol.TAG_UID_MAP, uidMap).str(HelperProtocol.TAG_GID_MAP, gidMap);
    }

    /** @param name the hostname @return this */
    public HelperRequest hostname(String name) {
        return str(HelperProtocol.TAG_HOSTNAME, name);
    }

    /** @param dir the root directory, empty for the host root @return this */
    public HelperRequest root(String dir) {
        return str(HelperProtocol.TAG_ROOT, dir);
    }

    /** @param op a mount operation @return this */
    public HelperRequest mount(MountOp op) {
        byte[] a = cstr(op.a());
        byte[] b = cstr(op.b());
        byte[] c = cstr(op.c());
        ByteBuffer m = buf(16 + a.length + b.length + c.length);
        m.putInt(op.op()).putInt(op.flags()).putLong(op.mountFlags()).put(a).put(b).put(c);
        return record(HelperProtocol.TAG_MOUNT, m.array());
    }

    /** @param arg one argument @return this */
    public HelperRequest arg(String arg) {
        args.add(arg);
        return str(HelperProtocol.TAG_ARG, arg);
    }

    /** @param nameValue {@code NAME=VALUE} @return this */
    public HelperRequest env(String nameValue) {
        return str(HelperProtocol.TAG_ENV, nameValue);
    }

    /** @param dir the working directory @return this */
    public HelperRequest cwd(String dir) {
        return str(HelperProtocol.TAG_CWD, dir);
    }

    /** @param uid user id @param gid group id @return this */
    public HelperRequest ids(int uid, int gid) {
        return u32(HelperProtocol.TAG_UID, uid).u32(HelperProtocol.TAG_GID, gid);
    }

    /** @param groups supplementary groups (setgroups with exactly these) @return this */
    public HelperRequest groups(List<Integer> groups) {
        ByteBuffer g = buf(4 * groups.size());
        groups.forEach(g::putInt);
        return record(HelperProtocol.TAG_GROUPS, g.array());
    }

    /** @param resource Linux RLIMIT_* number @param soft soft (-1 = infinity) @param hard hard @return this */
    public HelperRequest rlimit(int resource, long soft, long hard) {
        return record(HelperProtocol.TAG_RLIMIT, buf(24).putInt(resource).putInt(0).putLong(soft).putLong(hard).array());
    }

    /** @param mask the umask @return this */
    public HelperRequest umask(int mask) {
        return u32(HelperProtocol.TAG_UMASK, mask);
    }

    /** @param mask capabilities kept, ~0 to leave them alone @return this */
    public HelperRequest caps(long mask) {
        return u64(HelperProtocol.TAG_CAPS, mask);
    }

    /** @param procsFile a cgroup.procs file the workload joins before exec @return this */
    public HelperRequest cgroup(String procsFile) {
        return str(HelperProtocol.TAG_CGROUP, procsFile);
    }

    /** @param pid host pid of the init whose network (and, rootless, user) namespace to share @return this */
    public HelperRequest netJoinPid(long pid) {
        return u32(HelperProtocol.TAG_NET_JOIN_PID, (int) pid);
    }

    /**
     * An address the init gives the sandbox's end of its veth pair after the hold, with the
     * default route via the gateway: IPv4 first, then optionally IPv6. Needs a new network
     * namespace and {@link HelperProtocol#FLAG_HOLD}.
     *
     * @param address the sandbox's address (4 bytes IPv4, 16 bytes IPv6)
     * @param prefix its prefix length
     * @param gateway the bridge's address, of the same family
     * @return this
     */
    public HelperRequest netAddress(byte[] address, int prefix, byte[] gateway) {
        ByteBuffer b = buf(40).putInt(address.length == 4 ? 2 /* AF_INET */ : 10 /* AF_INET6 */).putInt(prefix);
        b.put(java.util.Arrays.copyOf(address, 16)).put(java.util.Arrays.copyOf(gateway, 16));
        return record(HelperProtocol.TAG_NET_ADDR, b.array());
    }

    /** @param pid host pid of the init to join @return this */
    public HelperRequest joinPid(long pid) {
        return u32(HelperProtocol.TAG_JOIN_PID, (int) pid);
    }

    /** @return the command's arguments, for messages */
    public List<String> args() {
        return args;
    }

    /** @return the request as the helper reads it */
    public byte[] encode() {
        byte[] b = body.toByteArray();
        ByteBuffer out = buf(12 + b.length);
        out.putInt(HelperProtocol.MAGIC).putInt(HelperProtocol.VERSION).putInt(b.length).put(b);
        return out.array();
    }
}
