// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import isola.api.ProcessSpec;
import isola.api.Rlimit;
import isola.api.RlimitType;
import isola.api.UserSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The helper's wire protocol: Java and src/main/c/jexec_protocol.h agree, and requests have exact bytes. */
class HelperProtocolTest {
    private static final Path HEADER = Path.of("src/main/c/jexec_protocol.h");

    private static int define(String text, String name) {
        Matcher m = Pattern.compile("#define " + name + " (0x[0-9a-f]+|\\d+)u?").matcher(text);
        if (!m.find()) {
            throw new AssertionError(name + " not in the header");
        }
        return Integer.decode(m.group(1)).intValue();
    }

    @Test
    void numbersAndStepsMatchTheHeader() throws Exception {
        String h = Files.readString(HEADER);
        assertEquals(HelperProtocol.MAGIC, define(h, "ISOLA_JMAGIC"));
        assertEquals(HelperProtocol.VERSION, define(h, "ISOLA_JVERSION"));
        assertEquals(HelperProtocol.DETAIL_SIZE, define(h, "ISOLA_JDETAIL_SIZE"));
        assertEquals(HelperProtocol.STATUS_SIZE, 16 + define(h, "ISOLA_JDETAIL_SIZE"));
        String[][] tags = {{"END", "0"}, {"JID", "1"}, {"ARG", "2"}, {"ENV", "3"}, {"CWD", "4"}, {"UID", "5"}, {"GID", "6"},
            {"GROUPS", "7"}, {"RLIMIT", "8"}, {"UMASK", "9"}, {"FLAGS", "10"}, {"PATH", "11"}};
        for (String[] t : tags) {
            assertEquals(Integer.parseInt(t[1]), define(h, "ISOLA_JTAG_" + t[0]), t[0]);
            assertEquals(Integer.parseInt(t[1]), HelperProtocol.class.getField("TAG_" + t[0]).getInt(null), t[0]);
        }
        assertEquals(HelperProtocol.ST_STARTED, define(h, "ISOLA_JST_STARTED"));
        assertEquals(HelperProtocol.ST_ERROR, define(h, "ISOLA_JST_ERROR"));
        assertEquals(HelperProtocol.ST_EXIT, define(h, "ISOLA_JST_EXIT"));
        assertEquals(HelperProtocol.FLAG_NO_NEW_PRIVS, define(h, "ISOLA_JFLAG_NO_NEW_PRIVS"));
        Matcher names = Pattern.compile("ISOLA_JSTEP_NAMES \\{([^}]*)\\}").matcher(h.replace("\\\n", " "));
        names.find();
        List<String> steps = new ArrayList<>();
        Matcher q = Pattern.compile("\"([^\"]*)\"").matcher(names.group(1));
        while (q.find()) {
            steps.add(q.group(1));
        }
        assertEquals(List.of(HelperProtocol.STEPS), steps);
        Matcher en = Pattern.compile("enum isola_jstep \\{([^}]*)\\}").matcher(h);
        en.find();
        assertEquals(steps.size(), en.group(1).split(",").length - 1);
    }

    @Test
    void requestBytes() {
        ProcessSpec ps = ProcessSpec.builder("id", "-u").env("PATH", "/bin").cwd("/w").umask(027)
                .rlimit(new Rlimit(RlimitType.NOFILE, 64, Rlimit.UNLIMITED)).build();
        byte[] b = FreeBsdSandbox.request(ps, 7, new UserSpec(1001, 1002, List.of(5), null), true);
        ByteBuffer e = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
        e.putInt(0x4a4f5349).putInt(1);
        e.putInt(1).putInt(4).putInt(7);
        e.putInt(2).putInt(3).put(new byte[] {'i', 'd', 0});
        e.putInt(2).putInt(3).put(new byte[] {'-', 'u', 0});
        e.putInt(3).putInt(10).put("PATH=/bin\0".getBytes());
        e.putInt(11).putInt(5).put("/bin\0".getBytes());
        e.putInt(4).putInt(3).put("/w\0".getBytes());
        e.putInt(5).putInt(4).putInt(1001);
        e.putInt(6).putInt(4).putInt(1002);
        e.putInt(7).putInt(4).putInt(5);
        // RLIMIT_NOFILE is 8 on FreeBSD; unlimited is RLIM_INFINITY = 2^63-1
        e.putInt(8).putInt(20).putInt(8).putLong(64).putLong(Long.MAX_VALUE);
        e.putInt(9).putInt(4).putInt(027);
        e.putInt(10).putInt(4).putInt(1);
        e.putInt(0).putInt(0);
        byte[] expected = new byte[e.position()];
        e.flip().get(expected);
        assertArrayEquals(expected, b);
    }

    @Test
    void freebsdRlimitNumbers() {
        // sys/resource.h of FreeBSD
        assertEquals(8, HelperProtocol.rlimit(RlimitType.NOFILE));
        assertEquals(7, HelperProtocol.rlimit(RlimitType.NPROC));
        assertEquals(6, HelperProtocol.rlimit(RlimitType.MEMLOCK));
        assertEquals(10, HelperProtocol.rlimit(RlimitType.AS));
    }

    @Test
    void statusRecordParses() {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        b.putInt(2).putInt(13).putInt(2).putInt(0).put("/nope\0".getBytes());
        HelperProtocol.Status s = HelperProtocol.Status.parse(b.array());
        assertEquals(2, s.type());
        assertEquals("exec", HelperProtocol.stepName(s.step()));
        assertEquals("ENOENT", FreeBsdErrno.name(s.errno()));
        assertEquals("/nope", s.detail());
    }
}
