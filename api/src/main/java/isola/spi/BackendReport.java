// SPDX-License-Identifier: Apache-2.0
package isola.spi;

/**
 * One backend as {@code isola features} reports it.
 *
 * @param name the backend's name
 * @param priority its priority
 * @param probe its probe result
 * @param capabilities what it can do here
 * @param facts host facts it reports
 */
public record BackendReport(String name, int priority, ProbeResult probe, CapabilitySet capabilities,
        java.util.Map<String, String> facts) {
}
