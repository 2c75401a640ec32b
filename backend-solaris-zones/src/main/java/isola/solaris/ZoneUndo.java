// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.IsolationException;
import isola.spi.HostCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One host-side action to undo, as a {@link ZoneRecord} stores it: one tab-separated line, written
 * before the action. Every undo is idempotent (what is gone counts as undone), so the sweep may
 * replay a record whose action never happened.
 *
 * @param kind what to undo
 * @param args its arguments
 */
record ZoneUndo(Kind kind, List<String> args) {
    /** Kinds of undo. */
    enum Kind {
        /** Halt, uninstall -F and delete -F a zone. */ ZONE,
        /** {@code dladm delete-vnic LINK}. */ VNIC,
        /** {@code ipnat -r -f -} with the rules (one per argument). */ IPNAT,
        /** Remove a file isola made (an address lease, a command file). */ FILE
    }

    /** Copies; refuses tabs and line breaks, which the record cannot hold. */
    ZoneUndo {
        args = List.copyOf(args);
        for (String a : args) {
            if (a.indexOf('\t') >= 0 || a.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("cannot record \"" + a + "\": it contains a tab or line break");
            }
        }
    }

    static ZoneUndo of(Kind kind, String... args) {
        return new ZoneUndo(kind, List.of(args));
    }

    String line() {
        return kind + (args.isEmpty() ? "" : "\t" + String.join("\t", args));
    }

    /** @param line a record line @return the undo, or null when the line is not one */
    static ZoneUndo parse(String line) {
        String[] f = line.split("\t", -1);
        try {
            return new ZoneUndo(Kind.valueOf(f[0]), Arrays.asList(f).subList(1, f.length));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Undoes it.
     *
     * @param admin the zone tools
     * @param host the other tools
     * @throws IsolationException when it could not be undone (the record keeps it for the next sweep)
     */
    void run(ZoneAdmin admin, HostCommands host) {
        switch (kind) {
            case ZONE -> admin.destroy(args.get(0));
            case VNIC -> {
                HostCommands.Result r = host.run(Dladm.DLADM, "delete-vnic", args.get(0));
                // dladm(8) says "object not found" for a link that does not exist
                if (!r.ok() && !r.stderr().contains("not found")) {
                    throw new IsolationException(r.describe());
                }
            }
            case IPNAT -> {
                HostCommands.Result r = host.run(List.of(Ipnat.IPNAT, "-r", "-f", "-"), String.join("\n", args) + "\n",
                        HostCommands.DEFAULT_TIMEOUT);
                // removing a rule that is not loaded is reported, and changes nothing
                if (!r.ok() && !r.stderr().contains("No such")) {
                    throw new IsolationException(r.describe());
                }
            }
            case FILE -> {
                try {
                    Files.deleteIfExists(Path.of(args.get(0)));
                } catch (IOException e) {
                    throw new IsolationException("cannot remove " + args.get(0) + ": " + e, e);
                }
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }
}
