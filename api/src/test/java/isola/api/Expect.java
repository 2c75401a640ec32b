// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Assertions shared by the api unit tests: an error is thrown, and its message follows the style guide. */
public final class Expect {
    private Expect() {
    }

    /**
     * Asserts that a spec is refused and that the message names every fragment (the offending value).
     *
     * @param call the call that must fail
     * @param fragments text the message must contain
     * @return the exception
     */
    public static SpecValidationException invalid(Executable call, String... fragments) {
        return thrown(SpecValidationException.class, call, fragments);
    }

    /**
     * @param type the exception type
     * @param call the call that must fail
     * @param fragments text the message must contain
     * @param <T> the exception type
     * @return the exception
     */
    public static <T extends Throwable> T thrown(Class<T> type, Executable call, String... fragments) {
        T e = assertThrows(type, call);
        String m = e.getMessage();
        assertNotNull(m, "exception has no message");
        for (String f : fragments) {
            assertTrue(m.contains(f), () -> "message should contain \"" + f + "\" but was: " + m);
        }
        assertStyle(m);
        return e;
    }

    /**
     * STYLE.md section 8: messages start lowercase (acronyms aside) and have no trailing period.
     *
     * @param m the message
     */
    public static void assertStyle(String m) {
        assertFalse(m.isEmpty(), "empty message");
        // An acronym such as "I/O" may open a message; a capitalised word may not.
        boolean capitalised = Character.isUpperCase(m.charAt(0)) && m.length() > 1 && Character.isLowerCase(m.charAt(1));
        assertFalse(capitalised, () -> "message should start lowercase: " + m);
        assertFalse(m.endsWith("."), () -> "message should have no trailing period: " + m);
    }
}
