// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.SpecValidationException;
import java.util.regex.Pattern;

/**
 * Renders a {@link ZoneConfig} as the command file {@code zonecfg -z <zone> -f <file>} reads: one
 * subcommand per line, {@code create -b} (blank, so nothing comes from a system template), the
 * global properties, one {@code add ...}/{@code end} block per resource, then {@code verify} and
 * {@code commit} (zonecfg(8)). {@code autoboot} is always false: isola boots its zones itself and a
 * host reboot must not bring a sandbox back.
 */
final class ZonecfgScript {
    /**
     * Values written bare. Anything else is double-quoted, which zonecfg's lexer takes literally;
     * values that a quoted string cannot carry are refused.
     */
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9/._:+-]+");
    private static final Pattern QUOTABLE = Pattern.compile("[^\"\\\\\\n\\r\\x00;#]+");

    private ZonecfgScript() {
    }

    /** @param c the configuration @return the command file's text */
    static String render(ZoneConfig c) {
        StringBuilder s = new StringBuilder("create -b\n");
        set(s, "zonepath", c.zonepath());
        set(s, "brand", c.brand());
        set(s, "autoboot", "false");
        set(s, "ip-type", c.ipType().word());
        if (c.limitpriv() != null) {
            set(s, "limitpriv", c.limitpriv());
        }
        for (ZoneConfig.Net n : c.nets()) {
            s.append("add net\n");
            set(s, "physical", n.physical());
            optional(s, "address", n.address());
            optional(s, "allowed-address", n.allowedAddress());
            optional(s, "defrouter", n.defrouter());
            s.append("end\n");
        }
        for (ZoneConfig.Anet a : c.anets()) {
            s.append("add anet\n");
            set(s, "linkname", a.linkname());
            set(s, "lower-link", a.lowerLink());
            optional(s, "allowed-address", a.allowedAddress());
            optional(s, "defrouter", a.defrouter());
            s.append("end\n");
        }
        for (ZoneConfig.Fs f : c.fs()) {
            s.append("add fs\n");
            set(s, "dir", f.dir());
            set(s, "special", f.special());
            set(s, "type", f.type());
            if (!f.options().isEmpty()) {
                s.append("set options=[");
                for (int i = 0; i < f.options().size(); i++) {
                    s.append(i == 0 ? "" : ",").append(value("fs option", f.options().get(i)));
                }
                s.append("]\n");
            }
            s.append("end\n");
        }
        if (c.cappedMemory() != null) {
            s.append("add capped-memory\n");
            optional(s, "physical", c.cappedMemory().physical());
            optional(s, "swap", c.cappedMemory().swap());
            s.append("end\n");
        }
        if (c.cappedCpuNcpus() != null) {
            s.append("add capped-cpu\n");
            set(s, "ncpus", c.cappedCpuNcpus());
            s.append("end\n");
        }
        if (c.dedicatedCpuNcpus() != null) {
            s.append("add dedicated-cpu\n");
            set(s, "ncpus", c.dedicatedCpuNcpus());
            s.append("end\n");
        }
        for (ZoneConfig.Rctl r : c.rctls()) {
            s.append("add rctl\n");
            set(s, "name", r.name());
            s.append("add value (priv=privileged,limit=").append(r.limit()).append(",action=").append(r.action()).append(")\n");
            s.append("end\n");
        }
        return s.append("verify\ncommit\n").toString();
    }

    private static void optional(StringBuilder s, String property, String v) {
        if (v != null) {
            set(s, property, v);
        }
    }

    private static void set(StringBuilder s, String property, String v) {
        s.append("set ").append(property).append('=').append(value(property, v)).append('\n');
    }

    /**
     * @param what the property, for the error
     * @param v a value
     * @return it bare, or double-quoted
     * @throws SpecValidationException when zonecfg cannot carry it
     */
    static String value(String what, String v) {
        if (BARE.matcher(v).matches()) {
            return v;
        }
        if (QUOTABLE.matcher(v).matches()) {
            return "\"" + v + "\"";
        }
        throw new SpecValidationException(what + " \"" + v.replace("\n", "\\n") + "\" cannot be written to a zone "
                + "configuration: zonecfg values must not contain '\"', '\\', ';', '#', NUL or line breaks");
    }
}
