// SPDX-License-Identifier: Apache-2.0
package isola.freebsd.natives;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import isola.freebsd.JailParam;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays jail(2)/nmount(2) name/value pairs out as a contiguous {@code struct iovec} array:
 * {@code { void *iov_base; size_t iov_len; }}, 16 bytes per element on LP64, the name at the even
 * index (NUL-terminated, the NUL counted in iov_len), the value at the odd one (NULL and 0 for a
 * boolean), and a final ({@code "errmsg"}, writable buffer) pair for the kernel's reason. Every
 * backing {@link Memory} is kept reachable by this object until the call returns.
 */
public final class Iovecs {
    /** Size of the errmsg buffer (jail(8) uses 256; a longer one costs nothing). */
    public static final int ERRMSG_SIZE = 1024;
    /** sizeof(struct iovec) on LP64. */
    public static final int IOVEC_SIZE = 2 * Native.POINTER_SIZE;

    private final Memory array;
    private final List<Memory> keep = new ArrayList<>();
    private final Memory errmsg;
    private final int count;

    /**
     * @param params the pairs
     * @param extraWritable for jail_get: names of pairs whose value is a writable buffer (by size), or null
     */
    private Iovecs(List<JailParam> params, List<Object[]> writable) {
        int pairs = params.size() + (writable == null ? 0 : writable.size()) + 1;
        count = pairs * 2;
        array = new Memory((long) count * IOVEC_SIZE);
        array.clear();
        int i = 0;
        for (JailParam p : params) {
            set(i++, cString(p.name()), -1);
            set(i++, p.value() == null ? null : bytes(p.value()), -1);
        }
        if (writable != null) {
            for (Object[] w : writable) {
                set(i++, cString((String) w[0]), -1);
                Memory buf = new Memory((Integer) w[1]);
                buf.clear();
                keep.add(buf);
                set(i++, buf, -1);
            }
        }
        set(i++, cString("errmsg"), -1);
        errmsg = new Memory(ERRMSG_SIZE);
        errmsg.clear();
        keep.add(errmsg);
        set(i, errmsg, -1);
    }

    /** @param params the pairs @return the iovec array for jail_set/nmount */
    public static Iovecs of(List<JailParam> params) {
        return new Iovecs(params, null);
    }

    /**
     * @param key the lookup pairs
     * @param outName a parameter to read back
     * @param outSize its buffer size
     * @return the iovec array for jail_get
     */
    static Iovecs forGet(List<JailParam> key, String outName, int outSize) {
        List<Object[]> w = new ArrayList<>();
        w.add(new Object[] {outName, outSize});
        return new Iovecs(key, w);
    }

    private Memory cString(String s) {
        return bytes(JailParam.cString(s));
    }

    private Memory bytes(byte[] b) {
        Memory m = new Memory(Math.max(1, b.length));
        m.write(0, b, 0, b.length);
        keep.add(m);
        return m;
    }

    private void set(int index, Memory m, long len) {
        long off = (long) index * IOVEC_SIZE;
        array.setPointer(off, m);
        long size = m == null ? 0 : (len >= 0 ? len : m.size());
        if (Native.SIZE_T_SIZE == 8) {
            array.setLong(off + Native.POINTER_SIZE, size);
        } else {
            array.setInt(off + Native.POINTER_SIZE, (int) size);
        }
    }

    /** @return the array's address */
    public Pointer pointer() {
        return array;
    }

    /** @return niov: the number of iovec elements (twice the pairs, errmsg included) */
    public int count() {
        return count;
    }

    /** @return the array's bytes, for tests */
    public byte[] arrayBytes() {
        return array.getByteArray(0, (int) array.size());
    }

    /** @return the kernel's message, empty when it wrote none */
    public String errmsg() {
        return errmsg.getString(0, "UTF-8");
    }

    /** @param index an element @return the memory its iov_base points to, for tests */
    public Pointer base(int index) {
        return array.getPointer((long) index * IOVEC_SIZE);
    }

    /** @param index an element @return its iov_len */
    public long length(int index) {
        long off = (long) index * IOVEC_SIZE + Native.POINTER_SIZE;
        return Native.SIZE_T_SIZE == 8 ? array.getLong(off) : array.getInt(off);
    }
}
