// SPDX-License-Identifier: Apache-2.0
package isola.api;

/** Checks for paths that name a place inside a sandbox. */
public final class SandboxPaths {
    private SandboxPaths() {
    }

    /**
     * Checks that a path inside the sandbox is absolute and has no {@code ..}, {@code .} or empty
     * component, and returns it without a trailing slash.
     *
     * @param what what the path is, for the message (e.g. {@code mount destination})
     * @param path the path
     * @return the normalised path
     * @throws SpecValidationException when the path is relative or climbs
     */
    public static String checkInside(String what, String path) {
        if (path == null || path.isEmpty()) {
            throw new SpecValidationException(what + " is empty");
        }
        if (path.indexOf('\0') >= 0) {
            throw new SpecValidationException(what + " contains a NUL byte");
        }
        if (!path.startsWith("/")) {
            throw new SpecValidationException(what + " must be an absolute path, got \"" + path + "\"");
        }
        StringBuilder out = new StringBuilder();
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals("..")) {
                throw new SpecValidationException(what + " must not contain \"..\", got \"" + path + "\"");
            }
            if (part.equals(".")) {
                continue;
            }
            out.append('/').append(part);
        }
        return out.length() == 0 ? "/" : out.toString();
    }
}
