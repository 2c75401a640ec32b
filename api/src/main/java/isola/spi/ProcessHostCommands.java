// SPDX-License-Identifier: Apache-2.0
package isola.spi;

import isola.api.IsolationException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs host tools with {@link ProcessBuilder} (posix_spawn), never a fork through native code. */
public final class ProcessHostCommands implements HostCommands {
    /** Makes one; it holds no state. */
    public ProcessHostCommands() {
    }

    @Override
    public Result run(List<String> argv, String stdin, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                    : ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new IsolationException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try {
            if (stdin != null) {
                try (OutputStream o = p.getOutputStream()) {
                    o.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the tool exited without reading its input: its status says why
                }
            }
            if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                return new Result(argv, -1, out.join(), err.join());
            }
            return new Result(argv, p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IsolationException("interrupted while running " + String.join(" ", argv), e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
