// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code isola} root command: lists the subcommands and installs the failure handling. */
@Command(name = "isola", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Runs commands isolated with the host's own mechanism: Linux namespaces, FreeBSD jails "
                + "or illumos/Solaris zones.",
        subcommands = {RunCommand.class, FeaturesCommand.class, HelpCommand.class},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.LIST_OK, ExitCodes.LIST_FAILED, ExitCodes.LIST_USAGE, ExitCodes.LIST_UNSUPPORTED,
            ExitCodes.LIST_INTERNAL, "run:the command's own status, 125-127 when it could not run; see 'isola help run'"})
public final class IsolaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: give run, features or help");
    }

    /** @return the command line with isola's failure handling, as {@link #main} runs it */
    public static CommandLine newCommandLine() {
        FailureHandler failures = new FailureHandler();
        return new CommandLine(new IsolaCommand())
                .setExecutionExceptionHandler(failures)
                .setExitCodeExceptionMapper(failures)
                .setParameterExceptionHandler(failures);
    }

    /**
     * Runs isola and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }
}
