// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import isola.api.IsolationException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs iproute2's {@code ip -batch -} and nftables' {@code nft -f -} with a script on stdin: one
 * process per step, whatever its length. Only for what happens once per bridge (creating it and its
 * NAT table) and for published ports; per-sandbox links go through {@link RtNetlink}, which
 * docs/network.md measures against these commands. A failed {@code nft -f} changes nothing (one kernel
 * transaction); a failed {@code ip -batch} stops at the failing line, which the caller undoes.
 */
public final class NetCommands {
    private static final String[] DIRS = {"/usr/sbin", "/sbin", "/usr/bin", "/bin"};

    private final Path ip;
    private final Path nft;

    private NetCommands(Path ip, Path nft) {
        this.ip = ip;
        this.nft = nft;
    }

    /** @return the commands found on this host, or null when ip or nft is missing (see {@link #missing}) */
    public static NetCommands find() {
        Path ip = which("ip");
        Path nft = which("nft");
        return ip == null || nft == null ? null : new NetCommands(ip, nft);
    }

    /** @return what is missing for bridge mode, or null */
    public static String missing() {
        if (which("ip") == null) {
            return "the ip command (package iproute2) is not installed";
        }
        if (which("nft") == null) {
            return "the nft command (package nftables) is not installed";
        }
        return null;
    }

    private static Path which(String name) {
        for (String d : DIRS) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * @param script iproute2 batch lines
     * @param what what it does, for the error message
     */
    public void ip(String script, String what) {
        run(what, script, ip.toString(), "-batch", "-");
    }

    /**
     * @param script an nftables script, applied as one transaction
     * @param what what it does, for the error message
     */
    public void nft(String script, String what) {
        run(what, script, nft.toString(), "-f", "-");
    }

    /**
     * @param args nft's arguments
     * @return whether nft succeeded
     */
    public boolean nftQuiet(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = nft.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            run("", null, cmd);
            return true;
        } catch (IsolationException e) {
            return false;
        }
    }

    /**
     * Deletes a link; a missing one is fine.
     *
     * @param name the interface
     */
    public void deleteLink(String name) {
        if (Files.exists(Path.of("/sys/class/net", name))) {
            try {
                RtNetlink.send(RtNetlink.delLink(name), "delete " + name);
            } catch (IsolationException e) {
                if (Files.exists(Path.of("/sys/class/net", name))) {
                    throw e;
                }
            }
        }
    }

    private static void run(String what, String stdin, String... cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        try {
            Process p = pb.start();
            if (stdin != null) {
                try (OutputStream o = p.getOutputStream()) {
                    o.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IsolationException("failed to " + what + ": " + Path.of(cmd[0]).getFileName() + " exited with "
                        + rc + (out.isEmpty() ? "" : ": " + out.replace('\n', ' ')));
            }
        } catch (IOException e) {
            throw new IsolationException("failed to " + what + ": cannot run " + cmd[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IsolationException("interrupted while trying to " + what);
        }
    }
}
