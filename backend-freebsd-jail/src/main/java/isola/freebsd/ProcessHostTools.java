// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs base-system tools with ProcessBuilder (posix_spawn), never a fork through JNA. */
final class ProcessHostTools implements HostTools {
    private static final long TIMEOUT_SECONDS = 60;

    @Override
    public String run(List<String> argv, String stdin) {
        String tool = argv.get(0);
        try {
            Process p = new ProcessBuilder(argv).redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                    : ProcessBuilder.Redirect.PIPE).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            if (stdin != null) {
                try (OutputStream o = p.getOutputStream()) {
                    o.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out = readAll(p.getInputStream());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new NativeException(tool, String.join(" ", argv.subList(1, argv.size())), 0,
                        "did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new NativeException(tool, String.join(" ", argv.subList(1, argv.size())), 0,
                        "exit status " + p.exitValue() + ": " + err.join().strip());
            }
            return out;
        } catch (IOException e) {
            throw new NativeException(tool, String.join(" ", argv.subList(1, argv.size())), 0, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NativeException(tool, "", FreeBsdErrno.EINTR, "interrupted");
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
