// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.Signal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * While {@code isola run} waits, passes SIGINT, SIGTERM and SIGHUP sent to the cli's JVM on to the
 * command, as {@code docker run}'s signal proxy does, instead of letting the JVM exit and orphan it.
 * Uses {@code sun.misc.Signal} (module jdk.unsupported, meant for this); {@link #close()} restores
 * the JVM's own handlers. The only class of the cli that touches an unsupported API.
 */
final class SignalForwarder implements AutoCloseable {
    private static final List<Signal> FORWARDED = List.of(Signal.INT, Signal.TERM, Signal.HUP);
    private final Map<sun.misc.Signal, sun.misc.SignalHandler> previous = new LinkedHashMap<>();

    private SignalForwarder() {
    }

    /**
     * @param target receives each forwarded signal (e.g. the command's {@code kill})
     * @return the forwarder, to close when the command has ended
     */
    static SignalForwarder install(Consumer<Signal> target) {
        SignalForwarder f = new SignalForwarder();
        for (Signal s : FORWARDED) {
            sun.misc.Signal sig = new sun.misc.Signal(s.name());
            try {
                f.previous.put(sig, sun.misc.Signal.handle(sig, received -> forward(target, s)));
            } catch (IllegalArgumentException e) {
                // The JVM keeps it (run with -Xrs, or the OS lacks it); it then keeps its default action.
                LoggerFactory.getLogger(SignalForwarder.class).debug("cannot forward SIG{}: {}", s, e.getMessage());
            }
        }
        return f;
    }

    private static void forward(Consumer<Signal> target, Signal s) {
        try {
            LoggerFactory.getLogger(SignalForwarder.class).debug("forwarding SIG{} to the command", s);
            target.accept(s);
        } catch (RuntimeException e) {
            // It has most likely just exited; its status is collected as usual.
            LoggerFactory.getLogger(SignalForwarder.class).debug("forwarding SIG{} failed", s, e);
        }
    }

    /** @return the names of the signals being forwarded, such as {@code HUP} */
    java.util.Set<String> forwarded() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        previous.keySet().forEach(sig -> names.add(sig.getName()));
        return names;
    }

    /** Restores the JVM's handlers. */
    @Override
    public void close() {
        previous.forEach(sun.misc.Signal::handle);
    }
}
