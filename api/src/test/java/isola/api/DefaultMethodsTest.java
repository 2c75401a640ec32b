// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static isola.api.Expect.thrown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The default methods of {@link Sandbox} and {@link IsolatedProcess}, on recording fakes. */
class DefaultMethodsTest {
    /** A process whose end the test controls. */
    static final class FakeProcess implements IsolatedProcess {
        final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

        @Override
        public long pid() {
            return 4242;
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
            return exit;
        }

        @Override
        public void kill(Signal signal) {
        }
    }

    /** A sandbox that records what it is asked to run. */
    static final class FakeSandbox implements Sandbox {
        final SandboxSpec spec;
        final List<ProcessSpec> execs = new ArrayList<>();
        final FakeProcess process = new FakeProcess();

        FakeSandbox(SandboxSpec spec) {
            this.spec = spec;
        }

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
        public IsolatedProcess exec(ProcessSpec p) {
            execs.add(p);
            return process;
        }

        @Override
        public void kill(Signal signal) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void startRunsTheDefaultProcess() {
        ProcessSpec p = ProcessSpec.builder("sleep", "1").build();
        FakeSandbox s = new FakeSandbox(SandboxSpec.builder().id("web1").process(p).build());
        assertSame(s.process, s.start());
        assertEquals(List.of(p), s.execs);
    }

    @Test
    void startWithoutDefaultProcessIsRefused() {
        FakeSandbox s = new FakeSandbox(SandboxSpec.builder().id("web1").build());
        invalid(s::start, "sandbox web1", "no default process");
        assertEquals(List.of(), s.execs);
    }

    @Test
    void runningProcess() throws InterruptedException {
        FakeProcess p = new FakeProcess();
        assertTrue(p.isAlive());
        assertEquals(Optional.empty(), p.exitStatus());
        assertFalse(p.waitFor(Duration.ofMillis(10)));
    }

    @Test
    void endedProcess() throws InterruptedException {
        FakeProcess p = new FakeProcess();
        ExitStatus st = ExitStatus.fromWaitStatus(0x0300, Duration.ofSeconds(1));
        p.exit.complete(st);
        assertFalse(p.isAlive());
        assertEquals(Optional.of(st), p.exitStatus());
        assertTrue(p.waitFor(Duration.ZERO));
        assertSame(st, p.waitFor());
        assertEquals(3, p.waitFor().exitCode());
    }

    @Test
    void failedWaitIsAnIsolationException() throws InterruptedException {
        FakeProcess p = new FakeProcess();
        IOException cause = new IOException("helper pipe closed");
        p.exit.completeExceptionally(cause);
        IsolationException e = thrown(IsolationException.class, p::waitFor, "waiting for the process failed",
                "helper pipe closed");
        assertSame(cause, e.getCause());
        assertTrue(p.waitFor(Duration.ofMillis(10)));
        assertFalse(p.isAlive());
    }

    @Test
    void sandboxStatesInLifeOrder() {
        assertEquals(List.of(SandboxState.CREATED, SandboxState.RUNNING, SandboxState.STOPPED, SandboxState.CLOSED),
                List.of(SandboxState.values()));
    }

    @Test
    void aBackendWithoutLiveUpdatesRefusesThemNamingTheCapability() {
        FakeSandbox s = new FakeSandbox(SandboxSpec.builder().id("web1").build());
        Limits change = new Limits(64L << 20, null, null, null, null, null, null, null, List.of());
        UnsupportedCapabilityException e = thrown(UnsupportedCapabilityException.class, () -> s.updateLimits(change),
                "live_limit_update is not supported by backend ", "cannot change the limits of a live sandbox");
        assertEquals(Capability.LIVE_LIMIT_UPDATE, e.capability());
    }
}
