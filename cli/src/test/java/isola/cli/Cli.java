// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the cli in-process as {@code main} would, capturing stdout and stderr. */
record Cli(int exitCode, String out, String err) {

    /**
     * @param args the command line after {@code isola}
     * @return what it printed and returned
     */
    static Cli run(String... args) {
        return run(IsolaCommand.newCommandLine(), args);
    }

    /**
     * @param cl a command line to run
     * @param args its arguments
     * @return what it printed and returned
     */
    static Cli run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }
}
