// SPDX-License-Identifier: Apache-2.0
package isola.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import isola.api.Capability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Records each conformance test's outcome per capability: {@code verified} (the behaviour was
 * observed), {@code fail-closed} (the backend lacks it here and refused the request as it must), or
 * {@code failed}. Written after the class to {@code target/conformance/<backend> - <where>.json}
 * (directory overridable with {@code -Disola.conformance.dir}), the input of {@link PlatformTable}.
 */
public final class ConformanceRecorder implements BeforeEachCallback, TestWatcher, AfterAllCallback {
    static final String VERIFIED = "verified";
    static final String FAIL_CLOSED = "fail-closed";
    static final String FAILED = "failed";

    private static final ThreadLocal<Set<Capability>> REFUSED = ThreadLocal.withInitial(java.util.TreeSet::new);
    private static final Map<String, Map<String, String>> BY_CLASS = new LinkedHashMap<>();

    /** Called by a test whose request was refused for lacking these capabilities. */
    static void failedClosed(Set<Capability> lacking) {
        REFUSED.get().addAll(lacking);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        REFUSED.get().clear();
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        Map<String, String> results = results(context);
        for (Capability c : REFUSED.get()) {
            merge(results, c.name(), FAIL_CLOSED);
        }
        for (Capability c : covered(context)) {
            if (!REFUSED.get().contains(c)) {
                merge(results, c.name(), VERIFIED);
            }
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Map<String, String> results = results(context);
        for (Capability c : covered(context)) {
            merge(results, c.name(), FAILED);
        }
        results.put("test " + context.getRequiredTestMethod().getName(), FAILED + ": " + cause);
    }

    private static Capability[] covered(ExtensionContext context) {
        Covers c = context.getRequiredTestMethod().getAnnotation(Covers.class);
        return c == null ? new Capability[0] : c.value();
    }

    /** A failure anywhere wins; then verified over fail-closed (a capability is proven once observed). */
    private static void merge(Map<String, String> results, String key, String outcome) {
        String old = results.get(key);
        if (old == null || outcome.equals(FAILED) || (outcome.equals(VERIFIED) && old.equals(FAIL_CLOSED))) {
            results.put(key, outcome);
        }
    }

    private static synchronized Map<String, String> results(ExtensionContext context) {
        return BY_CLASS.computeIfAbsent(context.getRequiredTestClass().getName(), k -> new TreeMap<>());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Object instance = context.getTestInstance().orElse(null);
        ConformanceSuite suite = instance instanceof ConformanceSuite s ? s : null;
        Optional<Class<?>> cls = context.getTestClass();
        if (suite == null && cls.isPresent()) {
            if (!ConformanceSuite.class.isAssignableFrom(cls.get())) {
                return;
            }
            try {
                var ctor = cls.get().getDeclaredConstructor();
                ctor.setAccessible(true);
                suite = (ConformanceSuite) ctor.newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot instantiate " + cls.get() + " to record its results", e);
            }
        }
        if (suite == null) {
            return;
        }
        Map<String, String> results = results(context);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("backend", suite.backend().name());
        doc.put("where", suite.where());
        doc.put("results", results);
        Path dir = Path.of(System.getProperty("isola.conformance.dir", "target/conformance"));
        try {
            Files.createDirectories(dir);
            String name = (suite.backend().name() + " - " + suite.where()).replaceAll("[^A-Za-z0-9._ -]", "_");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(name + ".json").toFile(),
                    doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
