// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.thrown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The api module alone has no backend: selection must fail with a message that says so and what to add. */
class IsolationTest {
    @Test
    void backendPropertyName() {
        assertEquals("isola.backend", Isolation.BACKEND_PROPERTY);
    }

    @Test
    void noBackendsOnTheApiClassPath() {
        assertEquals(List.of(), Isolation.backends());
    }

    @Test
    void surveyIsEmpty() {
        assertEquals(List.of(), Isolation.survey());
    }

    @Test
    void unknownBackendByName() {
        BackendUnavailableException e = thrown(BackendUnavailableException.class, () -> Isolation.backend("nope"),
                "unknown backend", "\"nope\"");
        assertTrue(e instanceof IsolationException);
    }

    @Test
    void bestBackendWithNoneOnTheClassPath() {
        thrown(BackendUnavailableException.class, () -> Isolation.backend((String) null),
                "no isola backend on the class path", "isola-backend-linux", "isola-backend-freebsd-jail",
                "isola-backend-solaris-zones");
    }

    @Test
    void emptyNameMeansBest() {
        thrown(BackendUnavailableException.class, () -> Isolation.backend(""), "no isola backend on the class path");
    }

    @Test
    void defaultSelectionAndCreateFailTheSameWay() {
        String before = System.getProperty(Isolation.BACKEND_PROPERTY);
        System.clearProperty(Isolation.BACKEND_PROPERTY);
        try {
            thrown(BackendUnavailableException.class, Isolation::backend, "no isola backend on the class path");
            thrown(BackendUnavailableException.class,
                    () -> Isolation.create(SandboxSpec.builder().id("x").build()), "no isola backend on the class path");
        } finally {
            if (before != null) {
                System.setProperty(Isolation.BACKEND_PROPERTY, before);
            }
        }
    }

    @Test
    void propertyNamesTheBackend() {
        String before = System.getProperty(Isolation.BACKEND_PROPERTY);
        System.setProperty(Isolation.BACKEND_PROPERTY, "freebsd-jail");
        try {
            thrown(BackendUnavailableException.class, Isolation::backend, "unknown backend", "\"freebsd-jail\"");
        } finally {
            if (before != null) {
                System.setProperty(Isolation.BACKEND_PROPERTY, before);
            } else {
                System.clearProperty(Isolation.BACKEND_PROPERTY);
            }
        }
    }
}
