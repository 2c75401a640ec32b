// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserSpecTest {
    @Test
    void numericUidAlone() {
        // A bare numeric uid is used as given, with the same number as its group.
        assertEquals(new UserSpec(1000, 1000, List.of(), null), UserSpec.parse("1000"));
    }

    @Test
    void numericUidAndGid() {
        assertEquals(new UserSpec(1000, 1000, List.of(), null), UserSpec.parse("1000:1000"));
        assertEquals(new UserSpec(1000, 50, List.of(), null), UserSpec.parse("1000:50"));
        assertEquals(new UserSpec(0, 0, List.of(), null), UserSpec.parse("0:0"));
        assertEquals(UserSpec.ROOT, UserSpec.parse("0"));
    }

    @Test
    void nameAlone() {
        assertEquals(new UserSpec(-1, -1, List.of(), "bob"), UserSpec.parse("bob"));
        assertEquals(UserSpec.named("bob"), UserSpec.parse("bob"));
    }

    @Test
    void nameAndGid() {
        assertEquals(new UserSpec(-1, 50, List.of(), "bob"), UserSpec.parse("bob:50"));
    }

    @Test
    void namesWithDigitsAndPunctuation() {
        assertEquals("www-data", UserSpec.parse("www-data").name());
        assertEquals("user1", UserSpec.parse("user1").name());
        assertEquals("_apt", UserSpec.parse("_apt").name());
    }

    @Test
    void largestUid() {
        assertEquals(Integer.MAX_VALUE, UserSpec.parse("2147483647").uid());
    }

    @ParameterizedTest
    @ValueSource(strings = {":", "", ":50", "a:b:c", "1:2:3", "::"})
    void malformedIsRefused(String text) {
        invalid(() -> UserSpec.parse(text), "user", "\"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-1:0", "-5"})
    void negativeUidIsRefused(String text) {
        invalid(() -> UserSpec.parse(text), "\"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000:x", "1000:", "1000:-1", "bob:-2", "bob:", "1000:99999999999", "1000: 5"})
    void badGroupIdIsRefused(String text) {
        invalid(() -> UserSpec.parse(text), "group id", "\"" + text + "\"");
    }

    @Test
    void uidOverflowIsRefused() {
        invalid(() -> UserSpec.parse("99999999999"), "user id", "\"99999999999\"");
    }

    @Test
    void nullIsRefused() {
        assertThrows(NullPointerException.class, () -> UserSpec.parse(null));
    }

    @Test
    void factories() {
        assertEquals(new UserSpec(1, 2, List.of(), null), UserSpec.of(1, 2));
        assertEquals(new UserSpec(0, 0, List.of(), null), UserSpec.ROOT);
        UserSpec n = UserSpec.named("alice");
        assertEquals(-1, n.uid());
        assertEquals(-1, n.gid());
        assertEquals("alice", n.name());
        assertEquals(List.of(), n.groups());
    }

    @Test
    void groupsAreCopiedAndNullMeansNone() {
        List<Integer> g = new ArrayList<>(List.of(10, 20));
        UserSpec u = new UserSpec(1, 1, g, null);
        g.add(30);
        assertEquals(List.of(10, 20), u.groups());
        assertThrows(UnsupportedOperationException.class, () -> u.groups().add(1));
        assertEquals(List.of(), new UserSpec(1, 1, null, null).groups());
    }

    @Test
    void recordValidation() {
        invalid(() -> new UserSpec(-1, 0, List.of(), null), "user id", "-1");
        invalid(() -> new UserSpec(0, -2, List.of(), null), "group id", "-2");
        invalid(() -> new UserSpec(-1, -1, List.of(), ""), "user name", "empty");
        invalid(() -> new UserSpec(0, 0, List.of(5, -3), null), "supplementary group", "-3");
        assertEquals(-1, new UserSpec(5, -1, List.of(), null).gid());
    }
}
