// SPDX-License-Identifier: Apache-2.0
/**
 * Service provider interface of isola: what a backend implements ({@link isola.spi.IsolationBackend})
 * and the probe and capability types it reports. Stable API. Backends register under
 * {@code META-INF/services/isola.spi.IsolationBackend}.
 */
package isola.spi;
