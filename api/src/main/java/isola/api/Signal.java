// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.util.Locale;

/**
 * Portable signal names. Numbers differ per OS (SIGUSR1 is 10 on Linux, 30 on FreeBSD and 16 on
 * Solaris), so a backend sends {@link #number()} as this host numbers it.
 */
public enum Signal {
    /** Hangup. */ HUP(1, 1, 1),
    /** Interrupt. */ INT(2, 2, 2),
    /** Quit. */ QUIT(3, 3, 3),
    /** Abort. */ ABRT(6, 6, 6),
    /** Kill; cannot be caught. */ KILL(9, 9, 9),
    /** User signal 1. */ USR1(10, 30, 16),
    /** Segmentation fault. */ SEGV(11, 11, 11),
    /** User signal 2. */ USR2(12, 31, 17),
    /** Broken pipe. */ PIPE(13, 13, 13),
    /** Alarm. */ ALRM(14, 14, 14),
    /** Termination request. */ TERM(15, 15, 15),
    /** Continue. */ CONT(18, 19, 25),
    /** Stop; cannot be caught. */ STOP(19, 17, 23),
    /** Terminal stop. */ TSTP(20, 18, 24),
    /** Window size change. */ WINCH(28, 28, 20);

    private static final int OS = osIndex(System.getProperty("os.name", ""));
    private final int[] numbers;

    Signal(int linux, int freebsd, int solaris) {
        this.numbers = new int[] {linux, freebsd, solaris};
    }

    private static int osIndex(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("freebsd")) {
            return 1;
        }
        if (os.contains("sunos") || os.contains("solaris")) {
            return 2;
        }
        return 0;
    }

    /** @return this signal's number on the running OS */
    public int number() {
        return numbers[OS];
    }

    /**
     * Parses a signal as engines and people write it: {@code TERM}, {@code SIGTERM}, {@code term}
     * or a number valid on this OS.
     *
     * @param text the signal
     * @return the signal
     * @throws SpecValidationException when it names no known signal
     */
    public static Signal parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        if (!s.isEmpty() && s.length() <= 9 && s.chars().allMatch(Character::isDigit)) {
            int n = Integer.parseInt(s);
            Signal found = byNumber(n);
            if (found != null) {
                return found;
            }
            throw new SpecValidationException("unknown signal number " + n);
        }
        for (Signal sig : values()) {
            if (sig.name().equals(s)) {
                return sig;
            }
        }
        throw new SpecValidationException("unknown signal \"" + text + "\"");
    }

    /**
     * @param number a signal number as this host numbers it
     * @return the signal, or null when it has no portable name here
     */
    public static Signal byNumber(int number) {
        for (Signal sig : values()) {
            if (sig.number() == number) {
                return sig;
            }
        }
        return null;
    }
}
