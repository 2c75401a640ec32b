// SPDX-License-Identifier: Apache-2.0
package isola.api;

/**
 * Told about the steps of a long operation, such as creating a sandbox whose backend must first
 * install a template (minutes for illumos zones). Called on the creating thread; it must return
 * quickly and must not throw. The CLI draws a progress bar with it.
 */
@FunctionalInterface
public interface ProgressListener {
    /** Ignores everything. */
    ProgressListener NONE = (step, done, total) -> { };

    /**
     * A step starts.
     *
     * @param step what is being done, in words for a person ("installing template zone isolatpl-...")
     * @param done how many steps are finished before this one
     * @param total how many steps there are in all (at least {@code done + 1}); may grow when a step
     *     turns out to be needed (a template that is not yet installed)
     */
    void step(String step, int done, int total);
}
