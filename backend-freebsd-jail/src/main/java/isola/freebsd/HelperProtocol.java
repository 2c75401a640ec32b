// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The wire protocol of the isola-jexec helper; mirrors src/main/c/jexec_protocol.h (a test checks).
 * The request is a header (magic, version) then tag-length-value records in the host's byte
 * order, ending with {@link #TAG_END}; the status is fixed-size records of {@link #STATUS_SIZE}
 * bytes: {@code {int32 type, int32 step, int32 errno, int32 value, char detail[240]}}.
 */
public final class HelperProtocol {
    public static final int MAGIC = 0x4a4f5349;
    public static final int VERSION = 1;
    public static final int STATUS_SIZE = 256;
    public static final int DETAIL_SIZE = 240;

    public static final int TAG_END = 0;
    public static final int TAG_JID = 1;
    public static final int TAG_ARG = 2;
    public static final int TAG_ENV = 3;
    public static final int TAG_CWD = 4;
    public static final int TAG_UID = 5;
    public static final int TAG_GID = 6;
    public static final int TAG_GROUPS = 7;
    public static final int TAG_RLIMIT = 8;
    public static final int TAG_UMASK = 9;
    public static final int TAG_FLAGS = 10;
    public static final int TAG_PATH = 11;

    public static final int FLAG_NO_NEW_PRIVS = 0x1;

    public static final int ST_STARTED = 1;
    public static final int ST_ERROR = 2;
    public static final int ST_EXIT = 3;

    /** Failure steps in the order of ISOLA_JSTEPS in the header; the index is the wire number. */
    public static final String[] STEPS = {"request", "channel", "jail_attach", "reaper", "fork", "setgroups", "setgid",
        "setuid", "rlimit", "umask", "no_new_privs", "chdir", "close fds", "exec"};

    /** FreeBSD RLIM_INFINITY: ((rlim_t)(((uint64_t)1 << 63) - 1)). */
    public static final long RLIM_INFINITY = Long.MAX_VALUE;

    private HelperProtocol() {
    }

    /** @param step a wire step @return its name */
    public static String stepName(int step) {
        return step >= 0 && step < STEPS.length ? STEPS[step] : "step " + step;
    }

    /** Builds a request. */
    public static final class Request {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** Starts with the header. */
        public Request() {
            raw(buf(8).putInt(MAGIC).putInt(VERSION));
        }

        private static ByteBuffer buf(int n) {
            return ByteBuffer.allocate(n).order(ByteOrder.nativeOrder());
        }

        private void raw(ByteBuffer b) {
            out.write(b.array(), 0, b.position());
        }

        private Request record(int tag, byte[] data) {
            raw(buf(8).putInt(tag).putInt(data.length));
            out.write(data, 0, data.length);
            return this;
        }

        /** @param tag a string tag @param s the value @return this */
        public Request string(int tag, String s) {
            return record(tag, JailParam.cString(s));
        }

        /** @param tag an int tag @param v the value @return this */
        public Request integer(int tag, int v) {
            return record(tag, buf(4).putInt(v).array());
        }

        /** @param groups supplementary gids @return this */
        public Request groups(List<Integer> groups) {
            ByteBuffer b = buf(4 * groups.size());
            groups.forEach(b::putInt);
            return record(TAG_GROUPS, b.array());
        }

        /** @param resource FreeBSD RLIMIT_* @param soft soft, -1 for none @param hard hard, -1 for none @return this */
        public Request rlimit(int resource, long soft, long hard) {
            return record(TAG_RLIMIT, buf(20).putInt(resource).putLong(soft < 0 ? RLIM_INFINITY : soft)
                    .putLong(hard < 0 ? RLIM_INFINITY : hard).array());
        }

        /** @return the bytes, ended */
        public byte[] bytes() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(buf(8).putInt(TAG_END).putInt(0).array());
            return copy.toByteArray();
        }
    }

    /**
     * A status record.
     *
     * @param type ST_*
     * @param step the failed step (ST_ERROR)
     * @param errno the errno (ST_ERROR)
     * @param value the workload pid (ST_STARTED) or its wait status (ST_EXIT)
     * @param detail what failed on (ST_ERROR)
     */
    public record Status(int type, int step, int errno, int value, String detail) {
        /** @param b exactly STATUS_SIZE bytes @return the record */
        public static Status parse(byte[] b) {
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
            int type = bb.getInt();
            int step = bb.getInt();
            int errno = bb.getInt();
            int value = bb.getInt();
            int end = 16;
            while (end < STATUS_SIZE && b[end] != 0) {
                end++;
            }
            return new Status(type, step, errno, value, new String(b, 16, end - 16, StandardCharsets.UTF_8));
        }
    }

    /**
     * @param r an isola rlimit type
     * @return the FreeBSD RLIMIT_* number (sys/resource.h), which differs from Linux from NOFILE on
     */
    public static int rlimit(isola.api.RlimitType r) {
        return switch (r) {
            case CPU -> 0;
            case FSIZE -> 1;
            case DATA -> 2;
            case STACK -> 3;
            case CORE -> 4;
            case MEMLOCK -> 6;
            case NPROC -> 7;
            case NOFILE -> 8;
            case AS -> 10;
        };
    }
}
