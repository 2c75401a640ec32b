// SPDX-License-Identifier: Apache-2.0
package isola.spi;

/**
 * Whether a backend can run on this host.
 *
 * @param available whether it can
 * @param reason why not (with the remedy when known), or a short description of the host when it can
 */
public record ProbeResult(boolean available, String reason) {
    /**
     * @param description what was found, e.g. {@code kernel 6.1, cgroup v1 hybrid}
     * @return an available result
     */
    public static ProbeResult available(String description) {
        return new ProbeResult(true, description);
    }

    /**
     * @param reason why not, e.g. {@code not a FreeBSD host (os.name is Linux)}
     * @return an unavailable result
     */
    public static ProbeResult unavailable(String reason) {
        return new ProbeResult(false, reason);
    }
}
