// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.spi.HostCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A recording fake of an illumos global zone's tools: zoneadm and zonecfg with the zone states of
 * zones(7), dladm VNICs and etherstubs, ipnat rules. Unknown commands fail, so nothing is run
 * unnoticed. {@link #failOn} makes the first command starting with a prefix fail, as a tool does
 * (exit 1, a message on stderr).
 */
final class FakeZonesHost implements HostCommands {
    final Map<String, String[]> zones = new LinkedHashMap<>(); // name -> {state, zonepath, brand, iptype}
    final Set<String> links = new LinkedHashSet<>();
    final Set<String> natRules = new LinkedHashSet<>();
    final List<String> log = new ArrayList<>();
    final Map<String, String> configs = new LinkedHashMap<>();
    final Map<String, Function<List<String>, Result>> extra = new LinkedHashMap<>();
    /** Told every command line before it runs, e.g. to read a file it names while it exists. */
    final List<java.util.function.Consumer<List<String>>> observers = new ArrayList<>();
    private String failPrefix;

    FakeZonesHost() {
        zones.put("global", new String[] {"running", "/", "ipkg", "shared"});
    }

    /** @param prefix the command line (space-joined) to fail once */
    void failOn(String prefix) {
        failPrefix = prefix;
    }

    /** @return the recorded commands without the state queries */
    List<String> actions() {
        return log.stream().filter(l -> !l.equals("/usr/sbin/zoneadm list -cp")).toList();
    }

    @Override
    public synchronized Result run(List<String> argv, String stdin, Duration timeout) {
        String line = String.join(" ", argv);
        log.add(line);
        observers.forEach(o -> o.accept(argv));
        if (failPrefix != null && line.startsWith(failPrefix)) {
            failPrefix = null;
            return new Result(argv, 1, "", "injected failure");
        }
        for (var e : extra.entrySet()) {
            if (line.startsWith(e.getKey())) {
                return e.getValue().apply(argv);
            }
        }
        String tool = argv.get(0);
        List<String> a = argv.subList(1, argv.size());
        return switch (tool) {
            case "/usr/sbin/zoneadm" -> zoneadm(argv, a);
            case "/usr/sbin/zonecfg" -> zonecfg(argv, a);
            case "/usr/sbin/dladm" -> dladm(argv, a);
            case "/usr/sbin/ipnat" -> ipnat(argv, a, stdin);
            default -> fail(argv, "fake: unknown tool " + tool);
        };
    }

    private Result zoneadm(List<String> argv, List<String> a) {
        if (a.equals(List.of("list", "-cp"))) {
            StringBuilder out = new StringBuilder();
            int id = 0;
            for (var e : zones.entrySet()) {
                String[] z = e.getValue();
                boolean up = z[0].equals("running") || z[0].equals("ready");
                out.append(up ? Integer.toString(id) : "-").append(':').append(e.getKey()).append(':').append(z[0]).append(':')
                        .append(z[1].replace(":", "\\:")).append(":uuid-").append(id).append(':').append(z[2]).append(':')
                        .append(z[3].equals("exclusive") ? "excl" : "shared").append('\n');
                id++;
            }
            return ok(argv, out.toString());
        }
        String name = a.get(1);
        String[] z = zones.get(name);
        if (z == null) {
            return fail(argv, "zoneadm: " + name + ": No such zone configured");
        }
        switch (a.get(2)) {
            case "install" -> {
                expect(argv, z, "configured");
                mkroot(z);
                z[0] = "installed";
            }
            case "clone" -> {
                expect(argv, z, "configured");
                String source = a.get(a.size() - 1); // after an optional -c PROFILE
                String[] src = zones.get(source);
                if (src == null || !src[0].equals("installed")) {
                    return fail(argv, "zoneadm: zone " + source + " must be installed and halted to be cloned");
                }
                mkroot(z);
                z[0] = "installed";
            }
            case "boot" -> {
                expect(argv, z, "installed");
                z[0] = "running";
            }
            case "halt" -> z[0] = "installed";
            case "uninstall" -> {
                if (!a.contains("-F")) {
                    return fail(argv, "zoneadm: uninstall needs -F when stdin is not a terminal");
                }
                z[0] = "configured";
            }
            default -> {
                return fail(argv, "fake: zoneadm " + a.get(2));
            }
        }
        return ok(argv, "");
    }

    private static void expect(List<String> argv, String[] z, String state) {
        if (!z[0].equals(state)) {
            throw new AssertionError(String.join(" ", argv) + " in state " + z[0]);
        }
    }

    private static void mkroot(String[] z) {
        try {
            if (z[1].startsWith("/tmp") || z[1].contains("junit")) {
                Files.createDirectories(Path.of(z[1], "root", "etc"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Result zonecfg(List<String> argv, List<String> a) {
        String name = a.get(1);
        if (a.get(2).equals("-f")) {
            if (zones.containsKey(name)) {
                return fail(argv, "zonecfg: " + name + " exists");
            }
            String script;
            try {
                script = Files.readString(Path.of(a.get(3)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            configs.put(name, script);
            String zonepath = property(script, "zonepath");
            zones.put(name, new String[] {"configured", zonepath, property(script, "brand"), property(script, "ip-type")});
            return ok(argv, "");
        }
        if (a.subList(2, a.size()).equals(List.of("delete", "-F"))) {
            String[] z = zones.get(name);
            if (z == null) {
                return fail(argv, "zonecfg: No such zone configured");
            }
            if (!z[0].equals("configured")) {
                throw new AssertionError("delete of " + name + " in state " + z[0]);
            }
            zones.remove(name);
            return ok(argv, "");
        }
        return fail(argv, "fake: zonecfg " + a);
    }

    private static String property(String script, String p) {
        for (String l : script.split("\n")) {
            if (l.startsWith("set " + p + "=")) {
                return l.substring(("set " + p + "=").length());
            }
        }
        return "";
    }

    private Result dladm(List<String> argv, List<String> a) {
        switch (a.get(0)) {
            case "create-vnic", "create-etherstub" -> {
                String link = a.get(a.size() - 1);
                if (!links.add(link)) {
                    return fail(argv, "dladm: vnic creation failed: object already exists");
                }
            }
            case "delete-vnic", "delete-etherstub" -> {
                if (!links.remove(a.get(a.size() - 1))) {
                    return fail(argv, "dladm: vnic deletion failed: object not found");
                }
            }
            default -> {
                return fail(argv, "fake: dladm " + a);
            }
        }
        return ok(argv, "");
    }

    private Result ipnat(List<String> argv, List<String> a, String stdin) {
        List<String> rules = stdin.lines().filter(l -> !l.isBlank()).toList();
        if (a.get(0).equals("-r")) {
            natRules.removeAll(rules);
        } else {
            natRules.addAll(rules);
        }
        return ok(argv, "");
    }

    static Result ok(List<String> argv, String out) {
        return new Result(argv, 0, out, "");
    }

    static Result fail(List<String> argv, String err) {
        return new Result(argv, 1, "", err + "\n");
    }

    /** @return the sandbox zones and other things isola made that still exist */
    List<String> leftovers() {
        List<String> l = new ArrayList<>();
        zones.keySet().stream().filter(ZoneNames::isSandboxZone).forEach(z -> l.add("zone " + z));
        links.stream().filter(k -> !k.equals(ZoneNames.ETHERSTUB) && !k.equals(ZoneNames.GATEWAY_VNIC)).forEach(k -> l.add("link " + k));
        natRules.forEach(r -> l.add("nat " + r));
        return l;
    }
}
