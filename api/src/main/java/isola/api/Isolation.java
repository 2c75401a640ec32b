// SPDX-License-Identifier: Apache-2.0
package isola.api;

import isola.spi.BackendReport;
import isola.spi.IsolationBackend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: finds backends with {@link ServiceLoader}, reports their probes, and selects one —
 * by name, by the {@code isola.backend} system property, or the highest-priority available one.
 */
public final class Isolation {
    /** System property naming the backend to use. */
    public static final String BACKEND_PROPERTY = "isola.backend";
    private static final Logger LOG = LoggerFactory.getLogger(Isolation.class);

    private Isolation() {
    }

    /** @return every backend found on the class path, highest priority first */
    public static List<IsolationBackend> backends() {
        List<IsolationBackend> out = new ArrayList<>();
        Iterator<IsolationBackend> it = ServiceLoader.load(IsolationBackend.class, Isolation.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                out.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                LOG.debug("skipping a backend that failed to load", e);
            }
        }
        out.sort(Comparator.comparingInt(IsolationBackend::priority).reversed().thenComparing(IsolationBackend::name));
        return out;
    }

    /** @return every backend's probe result and capabilities on this host */
    public static List<BackendReport> survey() {
        List<BackendReport> out = new ArrayList<>();
        for (IsolationBackend b : backends()) {
            out.add(new BackendReport(b.name(), b.priority(), b.probe(), b.capabilities(), b.hostFacts()));
        }
        return out;
    }

    /**
     * @return the backend named by {@code isola.backend}, else the best available one
     * @throws BackendUnavailableException listing every probe when none is available
     */
    public static IsolationBackend backend() {
        return backend(System.getProperty(BACKEND_PROPERTY));
    }

    /**
     * @param name a backend name, or null for the best available
     * @return the backend
     * @throws BackendUnavailableException when it is unknown or unavailable, naming every candidate's reason
     */
    public static IsolationBackend backend(String name) {
        List<IsolationBackend> all = backends();
        StringBuilder why = new StringBuilder();
        for (IsolationBackend b : all) {
            if (name != null && !name.isEmpty() && !b.name().equals(name)) {
                continue;
            }
            var probe = b.probe();
            if (probe.available()) {
                return b;
            }
            why.append("\n  ").append(b.name()).append(": ").append(probe.reason());
        }
        if (name != null && !name.isEmpty() && why.length() == 0) {
            List<String> names = all.stream().map(IsolationBackend::name).toList();
            throw new BackendUnavailableException("unknown backend \"" + name + "\" (known: " + String.join(", ", names) + ")");
        }
        if (all.isEmpty()) {
            throw new BackendUnavailableException("no isola backend on the class path: add isola-backend-linux, "
                    + "isola-backend-freebsd-jail or isola-backend-solaris-zones");
        }
        throw new BackendUnavailableException((name == null || name.isEmpty() ? "no backend is available on this host:" : "backend " + name + " is unavailable:") + why);
    }

    /**
     * Creates a sandbox with the selected backend.
     *
     * @param spec what to isolate
     * @return the sandbox
     */
    public static Sandbox create(SandboxSpec spec) {
        return backend().create(spec);
    }

    /**
     * Creates a sandbox with the selected backend, telling a listener about long steps (see
     * {@link IsolationBackend#create(SandboxSpec, ProgressListener)}).
     *
     * @param spec what to isolate
     * @param progress told about each long step
     * @return the sandbox
     */
    public static Sandbox create(SandboxSpec spec, ProgressListener progress) {
        return backend().create(spec, progress);
    }
}
