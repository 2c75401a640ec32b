// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.ExitStatus;
import isola.api.IsolatedProcess;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.SandboxState;
import isola.api.SandboxStats;
import isola.api.Signal;
import isola.spi.CapabilitySet;
import isola.spi.IsolationBackend;
import isola.spi.ProbeResult;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** A backend that runs nothing: each exec answers with a scripted exit status or failure. */
final class FakeBackend implements IsolationBackend {
    final List<String> events = new ArrayList<>();
    SandboxSpec created;
    ProcessSpec executed;
    RuntimeException onCreate;
    RuntimeException onClose;
    SandboxStats stats = SandboxStats.NONE;
    RuntimeException statsFailure;
    Function<ProcessSpec, ExitStatus> behaviour = p -> new ExitStatus(0, 0, false, false, false, java.time.Duration.ZERO);

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public ProbeResult probe() {
        return ProbeResult.available("fake");
    }

    @Override
    public CapabilitySet capabilities() {
        return CapabilitySet.builder().build();
    }

    @Override
    public Sandbox create(SandboxSpec spec) {
        events.add("create");
        if (onCreate != null) {
            throw onCreate;
        }
        created = spec;
        return new Sandbox() {
            @Override
            public String id() {
                return spec.id();
            }

            @Override
            public SandboxSpec spec() {
                return spec;
            }

            @Override
            public String backend() {
                return "fake";
            }

            @Override
            public SandboxState state() {
                return SandboxState.CREATED;
            }

            @Override
            public IsolatedProcess exec(ProcessSpec process) {
                events.add("exec");
                executed = process;
                ExitStatus status = behaviour.apply(process);
                return new IsolatedProcess() {
                    @Override
                    public long pid() {
                        return 42;
                    }

                    @Override
                    public OutputStream getOutputStream() {
                        return OutputStream.nullOutputStream();
                    }

                    @Override
                    public InputStream getInputStream() {
                        return InputStream.nullInputStream();
                    }

                    @Override
                    public InputStream getErrorStream() {
                        return InputStream.nullInputStream();
                    }

                    @Override
                    public CompletableFuture<ExitStatus> onExit() {
                        return CompletableFuture.completedFuture(status);
                    }

                    @Override
                    public void kill(Signal signal) {
                        events.add("kill " + signal);
                    }
                };
            }

            @Override
            public void kill(Signal signal) {
                events.add("kill all " + signal);
            }

            @Override
            public SandboxStats stats() {
                events.add("stats");
                if (statsFailure != null) {
                    throw statsFailure;
                }
                return stats;
            }

            @Override
            public void close() {
                events.add("close");
                if (onClose != null) {
                    throw onClose;
                }
            }
        };
    }
}
