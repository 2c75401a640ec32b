// SPDX-License-Identifier: Apache-2.0
package isola.linux.ns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import isola.api.SpecValidationException;
import isola.api.UserSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserResolverTest {
    @Test
    void namesResolveInTheSandboxRootsOwnFiles(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nbob:x:1234:500:Bob:/home/bob:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nstaff:x:500:\nwheel:x:10:alice,bob\naudio:x:29:bob\n");
        assertEquals(new UserSpec(1234, 500, List.of(10, 29), null), UserResolver.resolve(UserSpec.named("bob"), root));
        assertEquals(new UserSpec(1234, 77, List.of(10, 29), null), UserResolver.resolve(UserSpec.parse("bob:77"), root));
        assertEquals(UserSpec.of(5, 6), UserResolver.resolve(UserSpec.of(5, 6), root));
    }

    @Test
    void unknownNamesAreRefused(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> UserResolver.resolve(UserSpec.named("nobody-here"), root));
        assertEquals("unknown user \"nobody-here\": not in " + root.resolve("etc/passwd"), e.getMessage());
    }
}
