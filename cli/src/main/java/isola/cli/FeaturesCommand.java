// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.BackendUnavailableException;
import isola.api.Isolation;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code isola features}: which backends can run on this host, what each can do, and which isola would use. */
@Command(name = "features", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Shows which backends can run here, what each can do, and which one isola would use.",
            "For every backend on the class path: its probe (available, or why not), the capabilities it has here, "
                    + "the ones it lacks with the reason, and the host facts it found.",
            "With --format json, stdout holds one JSON document shaped like the OCI features document."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:the report was written, also when no backend can run here",
            ExitCodes.LIST_USAGE, ExitCodes.LIST_INTERNAL})
public final class FeaturesCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        global.configureLogging();
        FeaturesReport report = collect(global.backendName());
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Json.write(out, report);
        } else {
            report.writeText(out);
        }
        return ExitCodes.OK;
    }

    /**
     * @param backendName the backend asked for, or null for the best available
     * @return every backend's probe and capabilities, and the one chosen
     */
    static FeaturesReport collect(String backendName) {
        String chosen = null;
        String whyNone = null;
        try {
            chosen = Isolation.backend(backendName).name();
        } catch (BackendUnavailableException e) {
            whyNone = e.getMessage();
        }
        List<FeaturesReport.Backend> backends = Isolation.survey().stream().map(FeaturesReport.Backend::of).toList();
        return new FeaturesReport(chosen, whyNone, backends);
    }
}
