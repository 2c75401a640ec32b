// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import isola.api.Isolation;
import isola.api.Limits;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * A child JVM for crash tests, killed with SIGKILL while it holds something. {@code lease DIR ID
 * CGROUP...}: holds a lease listing those directories. {@code sandbox ID}: runs a limited sandbox's
 * {@code sleep}. {@code bridged ID HOSTPORT}: runs a bridged sandbox's {@code sleep} with HOSTPORT
 * published. Prints {@code ready} once it holds it, then waits to be killed.
 */
public final class LeaseHolder {
    private LeaseHolder() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("lease")) {
            SandboxLease lease = SandboxLease.acquire(Path.of(args[1]), args[2]);
            lease.recordCgroups(List.of(args).subList(3, args.length).stream().map(Path::of).toList());
        } else if (args[0].equals("bridged")) {
            Sandbox s = Isolation.backend("linux").create(SandboxSpec.builder().id(args[1])
                    .network(new isola.api.NetworkSpec(isola.api.NetworkMode.BRIDGE, List.of(),
                            List.of(isola.api.PortMapping.parse(args[2] + ":80")), null))
                    .process(ProcessSpec.builder("sleep", "600").build()).build());
            s.start();
        } else {
            Sandbox s = Isolation.backend("linux").create(SandboxSpec.builder().id(args[1])
                    .limits(new Limits(64L << 20, null, null, null, null, null, 32L, null, List.of()))
                    .process(ProcessSpec.builder("sleep", "600").build()).build());
            s.start();
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
