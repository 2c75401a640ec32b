// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.ProgressListener;
import java.io.PrintWriter;

/**
 * Draws the long steps a backend reports while it creates a sandbox (installing and cloning a
 * template zone takes seconds to minutes) on stderr, one line per step:
 * {@code isola: [#####...............] 2/4 cloning isolatpl-... into isola-web1}. Backends whose
 * creation is quick report nothing, so nothing is drawn.
 */
final class ProgressBar implements ProgressListener {
    static final int WIDTH = 20;
    private final PrintWriter err;

    ProgressBar(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void step(String step, int done, int total) {
        int all = Math.max(total, done + 1);
        int filled = done * WIDTH / all;
        err.println("isola: [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + (done + 1) + "/" + all + " " + step);
        err.flush();
    }
}
