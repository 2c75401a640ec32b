// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.IsolationException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The cli's one place for failures: prints {@code isola: <message>} on stderr (a stack trace only
 * with {@code --debug}) and maps exceptions to {@link ExitCodes}, as jbang's picocli-era
 * {@code JBang.java} does. Usage errors get a pointer to {@code --help} instead of the whole usage.
 */
final class FailureHandler implements IExecutionExceptionHandler, IExitCodeExceptionMapper, IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        print(commandLine.getErr(), ex, debugRequested(parseResult));
        return getExitCode(ex);
    }

    @Override
    public int getExitCode(Throwable exception) {
        return ExitCodes.of(exception);
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("isola: " + lowerFirst(ex.getMessage()));
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * Prints a failure the way users see it.
     *
     * @param err stderr
     * @param t the failure
     * @param debug whether to add the stack trace
     */
    static void print(PrintWriter err, Throwable t, boolean debug) {
        err.println("isola: " + message(t));
        if (debug) {
            t.printStackTrace(err);
        }
        err.flush();
    }

    /**
     * @param t a failure
     * @return its message for users: isola's own messages as they are, anything else marked as a bug
     */
    static String message(Throwable t) {
        if (t instanceof IsolationException || t instanceof ParameterException) {
            return t.getMessage() != null ? lowerFirst(t.getMessage()) : t.getClass().getSimpleName();
        }
        String m = t.getMessage();
        String what = t.getClass().getName() + (m != null ? ": " + m : "");
        return ExitCodes.of(t) == ExitCodes.INTERNAL ? "internal error: " + what + " (rerun with --debug for details)"
                : what;
    }

    /** picocli's messages start with a capital; isola's start lowercase (STYLE.md section 8). */
    private static String lowerFirst(String s) {
        if (s == null || s.length() < 2 || !Character.isUpperCase(s.charAt(0)) || Character.isUpperCase(s.charAt(1))) {
            return s;
        }
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static boolean debugRequested(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
