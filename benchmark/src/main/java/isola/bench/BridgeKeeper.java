// SPDX-License-Identifier: Apache-2.0
package isola.bench;

import isola.api.NetworkMode;
import isola.api.NetworkSpec;
import isola.api.PortMapping;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.spi.IsolationBackend;
import java.lang.ProcessBuilder.Redirect;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * For the warm bridge variants: one bridged sandbox that lives through the whole run, so that the
 * bridge and its NAT table exist and each measured run pays only for its own veth, address and
 * ports (the steady state of a service that keeps sandboxes running). The cold variant runs without
 * it and pays for creating and removing the bridge every time.
 */
final class BridgeKeeper implements AutoCloseable {
    /** Published host ports cycle through this range so that two threads never ask for the same one. */
    private static final AtomicInteger PORTS = new AtomicInteger();
    private final Sandbox sandbox;

    private BridgeKeeper(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    static BridgeKeeper start(IsolationBackend linux) {
        Sandbox s = linux.create(SandboxSpec.builder().network(new NetworkSpec(NetworkMode.BRIDGE, List.of(), List.of(), null))
                .process(ProcessSpec.builder("sleep", "86400").stdin(Redirect.from(new java.io.File("/dev/null")))
                        .stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).build()).build());
        s.start();
        return new BridgeKeeper(s);
    }

    /** @param port whether to publish one host port (a fresh one each time) @return a bridged spec */
    static SandboxSpec spec(boolean port) {
        List<PortMapping> ports = port ? List.of(new PortMapping("127.0.0.1", 40000 + PORTS.incrementAndGet() % 10000, 80, "tcp"))
                : List.of();
        return SandboxSpec.builder().network(new NetworkSpec(NetworkMode.BRIDGE, List.of(), ports, null)).build();
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
