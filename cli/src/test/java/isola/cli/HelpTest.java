// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's help goes to stdout with status 0 and documents the exit statuses. */
class HelpTest {
    @Test
    void rootHelpListsTheSubcommandsAndExitCodes() {
        Cli r = Cli.run("--help");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("Usage: isola "), r.out());
        for (String s : new String[] {"run", "features", "help", "Exit status:", "125-127", "not supported on this host"}) {
            assertTrue(r.out().contains(s), s + " in " + r.out());
        }
        assertEquals("", r.err());
    }

    @Test
    void runHelpShowsEveryOptionAndTheRunStatuses() {
        Cli r = Cli.run("run", "--help");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("Usage: isola run "), r.out());
        for (String s : new String[] {"--rootfs", "--read-only", "--writable", "--volume", "--tmpfs", "--hostname",
            "--net", "--env", "--workdir", "--user", "--timeout", "--id", "--backend", "--status-file", "--cap-add",
            "--cap-drop", "--no-new-privs", "--root", "--log-level", "--debug", "CMD", "125", "126", "127", "128+N"}) {
            assertTrue(r.out().contains(s), s + " in " + r.out());
        }
    }

    @Test
    void runHelpWorksStandalone() {
        Cli r = Cli.run(new CommandLine(new RunCommand()), "--help");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("Usage: run "), r.out());
    }

    @Test
    void featuresHelp() {
        Cli r = Cli.run("features", "--help");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("Usage: isola features "), r.out());
        assertTrue(r.out().contains("--format"), r.out());
        assertTrue(r.out().contains("Exit status:"), r.out());
        assertEquals(0, Cli.run(new CommandLine(new FeaturesCommand()), "--help").exitCode());
    }

    @Test
    void helpSubcommandShowsTheSameHelp() {
        assertEquals(Cli.run("run", "--help").out(), Cli.run("help", "run").out());
        assertEquals(Cli.run("features", "--help").out(), Cli.run("help", "features").out());
        Cli r = Cli.run("help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("Usage: isola "), r.out());
    }

    @Test
    void versionComesFromTheBuild() {
        Cli r = Cli.run("--version");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().matches("(?s)isola \\d+\\.\\d+\\.\\d+[^\\n]*\\njava .*"), r.out());
        assertTrue(!r.out().contains("${"), r.out());
    }
}
