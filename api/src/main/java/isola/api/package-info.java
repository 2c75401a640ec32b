// SPDX-License-Identifier: Apache-2.0
/**
 * Public API of isola: the portable sandbox model ({@link isola.api.SandboxSpec} and its parts),
 * the running objects ({@link isola.api.Sandbox}, {@link isola.api.IsolatedProcess}), the
 * capability vocabulary and the exceptions. Stable API. No native access happens in this package.
 */
package isola.api;
