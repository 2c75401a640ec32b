// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import java.nio.file.Path;

/** Test support, run as a separate JVM: leases N addresses one lock at a time and prints them. */
public final class LeaseAllocator {
    private LeaseAllocator() {
    }

    /** @param args leases directory, range, count, owner prefix */
    public static void main(String[] args) {
        AddressLeases leases = new AddressLeases(Path.of(args[0]), Cidr.parse(args[1]));
        int n = Integer.parseInt(args[2]);
        for (int i = 0; i < n; i++) {
            String owner = args[3] + "-" + i;
            System.out.println(leases.locked(() -> leases.lease(owner, null)).getHostAddress());
        }
    }
}
