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
 * {@code sleep}. Prints {@code ready} once it holds it, then waits to be killed.
 */
public final class LeaseHolder {
    private LeaseHolder() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("lease")) {
            SandboxLease lease = SandboxLease.acquire(Path.of(args[1]), args[2]);
            lease.recordCgroups(List.of(args).subList(3, args.length).stream().map(Path::of).toList());
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
