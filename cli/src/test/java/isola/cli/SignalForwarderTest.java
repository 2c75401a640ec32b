// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.api.Signal;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Sends a real SIGHUP to this JVM while the forwarder is installed, so it must not reach the JVM's default. */
@DisabledOnOs(OS.WINDOWS)
class SignalForwarderTest {
    @Test
    void forwardsSighupToTheTarget() throws Exception {
        BlockingQueue<Signal> received = new ArrayBlockingQueue<>(4);
        try (SignalForwarder f = SignalForwarder.install(received::add)) {
            assumeTrue(f.forwarded().contains("HUP"), "this JVM does not let SIGHUP be handled (-Xrs?)");
            assertTrue(f.forwarded().containsAll(java.util.List.of("INT", "TERM")), f.forwarded().toString());
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
            assertEquals(0, kill.waitFor());
            assertEquals(Signal.HUP, received.poll(10, TimeUnit.SECONDS));
        }
    }
}
