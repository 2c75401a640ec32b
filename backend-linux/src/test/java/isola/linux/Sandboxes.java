// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import isola.api.ExitStatus;
import isola.api.IsolatedProcess;
import isola.api.Isolation;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Test support: run a command in a fresh sandbox and capture what it printed. */
final class Sandboxes {
    private Sandboxes() {
    }

    record Result(ExitStatus status, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Result run(SandboxSpec spec, String... argv) throws InterruptedException {
        return run(spec, ProcessSpec.builder(argv).stdin(Redirect.from(new java.io.File("/dev/null"))).build());
    }

    static Result run(SandboxSpec spec, ProcessSpec ps) throws InterruptedException {
        try (Sandbox s = Isolation.backend("linux").create(spec)) {
            return capture(s.exec(ps));
        }
    }

    static Result sh(String script) throws InterruptedException {
        return run(SandboxSpec.builder().build(), "sh", "-c", script);
    }

    static Result capture(IsolatedProcess p) throws InterruptedException {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        ExitStatus st = p.waitFor();
        return new Result(st, out.join(), err.join());
    }

    static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return pids of this JVM's descendants whose executable is the isola helper */
    static List<Long> helperProcesses() {
        return ProcessHandle.current().descendants().filter(h -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "exe")).toString().contains("isola-spawn");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }).map(ProcessHandle::pid).sorted().toList();
    }

    /**
     * The cgroups whose names start with {@code prefix} under isola's parent, in every hierarchy
     * (v1) or the cgroup2 mount.
     */
    static List<java.nio.file.Path> cgroupsNamed(isola.linux.cgroup.CgroupMounts cm, String prefix) throws java.io.IOException {
        List<java.nio.file.Path> out = new java.util.ArrayList<>();
        for (String c : new String[] {"memory", "pids", "cpu", "cpuacct", "freezer", "cpuset", "blkio"}) {
            isola.linux.cgroup.CgroupMounts.Location l = cm.find(c);
            java.nio.file.Path parent = l == null ? null : l.mount().resolve("isola");
            if (parent != null && java.nio.file.Files.isDirectory(parent)) {
                try (var s = java.nio.file.Files.list(parent)) {
                    s.filter(d -> d.getFileName().toString().startsWith(prefix)).filter(d -> !out.contains(d)).forEach(out::add);
                }
            }
        }
        return out;
    }

    static boolean isRoot() {
        return LinuxHost.read().root();
    }
}
