// SPDX-License-Identifier: Apache-2.0
package isola.freebsd.natives;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.NativeLongByReference;
import isola.freebsd.FreeBsdErrno;
import isola.freebsd.JailNative;
import isola.freebsd.JailParam;
import isola.freebsd.NativeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link JailNative} on FreeBSD's libc through JNA: one method per call, each checking the return
 * value and throwing {@link NativeException} with errno and the kernel's errmsg. Loaded lazily:
 * constructing it on another OS costs nothing, calling it there fails.
 */
public final class FreeBsdDispatcher implements JailNative {
    private static final int RCTL_OUT_START = 4096;
    private static final int RCTL_OUT_MAX = 1 << 20;
    private volatile FreeBsdLibc libc;

    private FreeBsdLibc libc() {
        FreeBsdLibc l = libc;
        if (l == null) {
            l = Native.load("c", FreeBsdLibc.class);
            libc = l;
        }
        return l;
    }

    private static String nameOf(List<JailParam> params, String key) {
        for (JailParam p : params) {
            if (p.name().equals(key) && p.kind() == JailParam.Kind.STRING) {
                return p.render().substring(key.length() + 1);
            }
        }
        return "";
    }

    @Override
    public int jailSet(List<JailParam> params, int flags) {
        Iovecs iov = Iovecs.of(params);
        try {
            return libc().jail_set(iov.pointer(), iov.count(), flags);
        } catch (LastErrorException e) {
            throw new NativeException("jail_set", "jail \"" + nameOf(params, "name") + "\"", e.getErrorCode(), iov.errmsg());
        }
    }

    @Override
    public int jailFind(String name, boolean dying) {
        Iovecs iov = Iovecs.forGet(List.of(JailParam.string("name", name)), "jid", 4);
        try {
            return libc().jail_get(iov.pointer(), iov.count(), dying ? JAIL_DYING : 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == FreeBsdErrno.ENOENT) {
                return -1;
            }
            throw new NativeException("jail_get", "jail \"" + name + "\"", e.getErrorCode(), iov.errmsg());
        }
    }

    @Override
    public void jailRemove(int jid) {
        try {
            libc().jail_remove(jid);
        } catch (LastErrorException e) {
            throw new NativeException("jail_remove", "jid " + jid, e.getErrorCode(), "");
        }
    }

    @Override
    public void rctlAddRule(String rule) {
        rctl("rctl_add_rule", rule, false);
    }

    @Override
    public void rctlRemoveRule(String filter) {
        rctl("rctl_remove_rule", filter, false);
    }

    @Override
    public String rctlGetRacct(String filter) {
        return rctl("rctl_get_racct", filter, true);
    }

    private String rctl(String call, String in, boolean output) {
        byte[] inBytes = JailParam.cString(in);
        int size = output ? RCTL_OUT_START : 0;
        while (true) {
            Memory out = size == 0 ? null : new Memory(size);
            try {
                NativeLong inLen = new NativeLong(inBytes.length);
                NativeLong outLen = new NativeLong(size);
                switch (call) {
                    case "rctl_add_rule" -> libc().rctl_add_rule(inBytes, inLen, out, outLen);
                    case "rctl_remove_rule" -> libc().rctl_remove_rule(inBytes, inLen, out, outLen);
                    default -> libc().rctl_get_racct(inBytes, inLen, out, outLen);
                }
                return out == null ? "" : out.getString(0, "UTF-8");
            } catch (LastErrorException e) {
                // ERANGE also means "out buffer too small" (rctl_add_rule(2)): retry with a bigger one
                if (output && e.getErrorCode() == FreeBsdErrno.ERANGE && size < RCTL_OUT_MAX) {
                    size *= 4;
                    continue;
                }
                throw new NativeException(call, "\"" + in + "\"", e.getErrorCode(), "");
            }
        }
    }

    @Override
    public void nmount(List<JailParam> options, int flags) {
        Iovecs iov = Iovecs.of(options);
        try {
            libc().nmount(iov.pointer(), iov.count(), flags);
        } catch (LastErrorException e) {
            throw new NativeException("nmount", nameOf(options, "fstype") + " on " + nameOf(options, "fspath"),
                    e.getErrorCode(), iov.errmsg());
        }
    }

    @Override
    public void unmount(String path, int flags) {
        try {
            libc().unmount(path, flags);
        } catch (LastErrorException e) {
            throw new NativeException("unmount", path, e.getErrorCode(), "");
        }
    }

    @Override
    public Long sysctlLong(String name) {
        Memory m = new Memory(8);
        m.clear();
        NativeLongByReference len = new NativeLongByReference(new NativeLong(8));
        try {
            libc().sysctlbyname(name, m, len, null, new NativeLong(0));
        } catch (LastErrorException e) {
            if (e.getErrorCode() == FreeBsdErrno.ENOENT) {
                return null;
            }
            throw new NativeException("sysctlbyname", name, e.getErrorCode(), "");
        }
        long n = len.getValue().longValue();
        return n == 4 ? (long) m.getInt(0) : n == 8 ? m.getLong(0) : n == 2 ? (long) m.getShort(0) : (long) m.getByte(0);
    }

    @Override
    public String sysctlString(String name) {
        NativeLongByReference len = new NativeLongByReference(new NativeLong(0));
        try {
            libc().sysctlbyname(name, null, len, null, new NativeLong(0));
            long size = len.getValue().longValue() + 64;
            Memory m = new Memory(size);
            m.clear();
            len.setValue(new NativeLong(size));
            libc().sysctlbyname(name, m, len, null, new NativeLong(0));
            byte[] b = m.getByteArray(0, (int) len.getValue().longValue());
            int end = 0;
            while (end < b.length && b[end] != 0) {
                end++;
            }
            return new String(b, 0, end, StandardCharsets.UTF_8);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == FreeBsdErrno.ENOENT) {
                return null;
            }
            throw new NativeException("sysctlbyname", name, e.getErrorCode(), "");
        }
    }

    @Override
    public boolean hasSymbol(String symbol) {
        try {
            NativeLibrary.getInstance("c").getFunction(symbol);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    @Override
    public void kill(long pid, int signal) {
        try {
            libc().kill((int) pid, signal);
        } catch (LastErrorException e) {
            throw new NativeException("kill", "pid " + pid, e.getErrorCode(), "");
        }
    }

    @Override
    public int geteuid() {
        return libc().geteuid();
    }

    /** @return the names of the calls this binds, for the native-contract test */
    static List<String> symbols() {
        List<String> s = new ArrayList<>();
        for (var m : FreeBsdLibc.class.getDeclaredMethods()) {
            s.add(m.getName());
        }
        return s;
    }
}
