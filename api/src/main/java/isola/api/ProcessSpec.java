// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run inside a sandbox and how: argv (looked up on the sandbox's PATH), a clean
 * environment plus what is given, cwd, user, rlimits, umask, stdio and an optional timeout.
 * Immutable; build one with {@link #builder(String...)}.
 */
public final class ProcessSpec {
    /** The PATH a process gets when its environment names none, as runc's default spec. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final List<String> argv;
    private final Map<String, String> env;
    private final String cwd;
    private final UserSpec user;
    private final List<Rlimit> rlimits;
    private final Integer umask;
    private final Redirect stdin;
    private final Redirect stdout;
    private final Redirect stderr;
    private final Duration timeout;

    private ProcessSpec(Builder b) {
        this.argv = List.copyOf(b.argv);
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        this.cwd = b.cwd;
        this.user = b.user;
        this.rlimits = List.copyOf(b.rlimits);
        this.umask = b.umask;
        this.stdin = b.stdin;
        this.stdout = b.stdout;
        this.stderr = b.stderr;
        this.timeout = b.timeout;
        validate();
    }

    private void validate() {
        if (argv.isEmpty()) {
            throw new SpecValidationException("command is empty: give at least the program to run");
        }
        if (argv.get(0).isEmpty()) {
            throw new SpecValidationException("command is empty: the program name is an empty string");
        }
        for (String a : argv) {
            if (a.indexOf('\0') >= 0) {
                throw new SpecValidationException("argument contains a NUL byte: \"" + a.replace("\0", "\\0") + "\"");
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String k = e.getKey();
            if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0) {
                throw new SpecValidationException("invalid environment variable name \"" + k + "\"");
            }
            if (e.getValue().indexOf('\0') >= 0) {
                throw new SpecValidationException("environment variable " + k + " contains a NUL byte");
            }
        }
        if (!cwd.startsWith("/")) {
            throw new SpecValidationException("working directory must be absolute, got \"" + cwd + "\"");
        }
        if (cwd.indexOf('\0') >= 0) {
            throw new SpecValidationException("working directory contains a NUL byte: \"" + cwd.replace("\0", "\\0") + "\"");
        }
        if (umask != null && (umask < 0 || umask > 0777)) {
            throw new SpecValidationException("umask must be between 0 and 0777, got " + (umask < 0 ? Integer.toString(umask) : "0" + Integer.toOctalString(umask)));
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new SpecValidationException("timeout must be positive, got " + timeout);
        }
        java.util.Set<RlimitType> seen = java.util.EnumSet.noneOf(RlimitType.class);
        for (Rlimit r : rlimits) {
            if (!seen.add(r.type())) {
                throw new SpecValidationException("rlimit " + r.type() + " is given twice");
            }
        }
    }

    /** @return the command and its arguments; argv[0] is looked up on the sandbox's PATH when it has no slash */
    public List<String> argv() {
        return argv;
    }

    /** @return the environment given; the process gets only this (plus PATH when absent) */
    public Map<String, String> env() {
        return env;
    }

    /** @return the environment as the process receives it: the given variables, plus the default PATH when none is given */
    public Map<String, String> effectiveEnv() {
        if (env.containsKey("PATH")) {
            return env;
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("PATH", DEFAULT_PATH);
        m.putAll(env);
        return m;
    }

    /** @return the working directory inside the sandbox */
    public String cwd() {
        return cwd;
    }

    /** @return the user, or null for the backend's default (root inside the sandbox) */
    public UserSpec user() {
        return user;
    }

    /** @return resource limits for the process */
    public List<Rlimit> rlimits() {
        return rlimits;
    }

    /** @return the umask, or null for 022 */
    public Integer umask() {
        return umask;
    }

    /** @return where stdin comes from */
    public Redirect stdin() {
        return stdin;
    }

    /** @return where stdout goes */
    public Redirect stdout() {
        return stdout;
    }

    /** @return where stderr goes */
    public Redirect stderr() {
        return stderr;
    }

    /** @return the time after which isola kills the sandbox's processes, or null for none */
    public Duration timeout() {
        return timeout;
    }

    /** @return a builder holding this spec's values */
    public Builder toBuilder() {
        Builder b = new Builder(argv);
        b.env.putAll(env);
        b.cwd = cwd;
        b.user = user;
        b.rlimits.addAll(rlimits);
        b.umask = umask;
        b.stdin = stdin;
        b.stdout = stdout;
        b.stderr = stderr;
        b.timeout = timeout;
        return b;
    }

    /**
     * @param argv the command and its arguments
     * @return a builder
     */
    public static Builder builder(String... argv) {
        return new Builder(List.of(argv));
    }

    /**
     * @param argv the command and its arguments
     * @return a builder
     */
    public static Builder builder(List<String> argv) {
        return new Builder(argv);
    }

    /** Builds a {@link ProcessSpec}; stdio defaults to pipes, as {@link ProcessBuilder}. */
    public static final class Builder {
        private final List<String> argv = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String cwd = "/";
        private UserSpec user;
        private final List<Rlimit> rlimits = new ArrayList<>();
        private Integer umask;
        private Redirect stdin = Redirect.PIPE;
        private Redirect stdout = Redirect.PIPE;
        private Redirect stderr = Redirect.PIPE;
        private Duration timeout;

        private Builder(List<String> argv) {
            for (String a : argv) {
                this.argv.add(Objects.requireNonNull(a, "argument"));
            }
        }

        /** @param value an environment variable @param name its name @return this */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /** @param all environment variables to add @return this */
        public Builder env(Map<String, String> all) {
            all.forEach(this::env);
            return this;
        }

        /** @param dir absolute working directory inside the sandbox @return this */
        public Builder cwd(String dir) {
            this.cwd = Objects.requireNonNull(dir);
            return this;
        }

        /** @param u the user to run as, null for the default @return this */
        public Builder user(UserSpec u) {
            this.user = u;
            return this;
        }

        /** @param limit a resource limit @return this */
        public Builder rlimit(Rlimit limit) {
            rlimits.add(limit);
            return this;
        }

        /** @param mask the umask, e.g. 022 @return this */
        public Builder umask(int mask) {
            this.umask = mask;
            return this;
        }

        /** @param r stdin source @return this */
        public Builder stdin(Redirect r) {
            this.stdin = Objects.requireNonNull(r);
            return this;
        }

        /** @param r stdout destination @return this */
        public Builder stdout(Redirect r) {
            this.stdout = Objects.requireNonNull(r);
            return this;
        }

        /** @param r stderr destination @return this */
        public Builder stderr(Redirect r) {
            this.stderr = Objects.requireNonNull(r);
            return this;
        }

        /** Pass stdin, stdout and stderr through to the caller's. @return this */
        public Builder inheritIo() {
            stdin = Redirect.INHERIT;
            stdout = Redirect.INHERIT;
            stderr = Redirect.INHERIT;
            return this;
        }

        /** @param t kill the sandbox's processes after this long, null for never @return this */
        public Builder timeout(Duration t) {
            this.timeout = t;
            return this;
        }

        /** @return the validated spec @throws SpecValidationException when a value is invalid */
        public ProcessSpec build() {
            return new ProcessSpec(this);
        }
    }
}
