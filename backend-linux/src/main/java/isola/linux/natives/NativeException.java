// SPDX-License-Identifier: Apache-2.0
package isola.linux.natives;

/** A failed native call: which one, its errno, and on what. The backend turns it into a public exception. */
public final class NativeException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;

    /**
     * @param call the call
     * @param errno its errno
     * @param what what it was about
     */
    public NativeException(String call, int errno, String what) {
        super(call + " " + what + ": errno " + errno);
        this.call = call;
        this.errno = errno;
    }

    /** @return the call */
    public String call() {
        return call;
    }

    /** @return the errno */
    public int errno() {
        return errno;
    }
}
