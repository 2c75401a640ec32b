// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.ExitStatus;
import isola.api.HelperFailedException;
import isola.api.IsolatedProcess;
import isola.api.Isolation;
import isola.api.IsolationException;
import isola.api.MountSpec;
import isola.api.NetworkMode;
import isola.api.NetworkSpec;
import isola.api.ProcessSpec;
import isola.api.Rlimit;
import isola.api.RootSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.SandboxStats;
import isola.api.SecuritySpec;
import isola.api.SpecValidationException;
import isola.api.UserSpec;
import isola.spi.IsolationBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code isola run}: runs one command in a new sandbox, waits, cleans up and returns its status. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs CMD in a new sandbox, waits for it, removes the sandbox and exits with CMD's status.",
            "By default the sandbox sees the host's root read-only, has only a loopback network, keeps the "
                    + "backend's minimal privileges with no_new_privs set, and has a clean environment.",
            "Options end at CMD: 'isola run ls -l' passes -l to ls."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"N:CMD's own exit status",
            "128+N:CMD was ended by signal N (137 after --timeout)",
            "2:also a usage error in isola's options: nothing ran",
            "125:isola itself failed, CMD did not run; the message on stderr starts with 'isola: '",
            "126:CMD was found but could not be executed",
            "127:CMD was not found"},
        footer = {"", "Use --status-file to tell CMD's statuses from isola's without ambiguity."})
public final class RunCommand implements Callable<Integer> {
    private CommandSpec spec;

    /** How a backend is found; tests put a fake here. */
    Function<String, IsolationBackend> backends = name -> Isolation.backend(name);

    @Option(names = "--rootfs", paramLabel = "DIR", description = "Directory to use as the sandbox's root "
            + "(default: the host's root, read-only).")
    Path rootfs;

    @Option(names = "--read-only", description = "Make the root read-only (the default).")
    boolean readOnly;

    @Option(names = "--writable", description = "Make the root writable; needs --rootfs.")
    boolean writable;

    @Option(names = {"-v", "--volume"}, paramLabel = "SRC:DST[:ro|rw]", description = "Bind-mount host path SRC "
            + "(relative to the current directory) at DST; repeatable.")
    List<String> volumes = new ArrayList<>();

    @Option(names = "--tmpfs", paramLabel = "DST[:size=SIZE][,mode=OCTAL]", description = "Mount a private tmpfs at "
            + "DST, e.g. /tmp:size=64m,mode=1777; repeatable.")
    List<String> tmpfs = new ArrayList<>();

    @Option(names = "--hostname", paramLabel = "NAME", description = "The sandbox's hostname (default: its id).")
    String hostname;

    @Option(names = {"--net", "--network"}, paramLabel = "MODE", defaultValue = "none", description = "Network: none "
            + "(loopback only), host, bridge (own address on a host bridge, NAT to the outside, published ports), "
            + "or container:ID to share the network of the running sandbox ID (default: ${DEFAULT-VALUE}).")
    String net;

    @Option(names = {"-p", "--publish"}, paramLabel = "[HOSTIP:]HOSTPORT:PORT[/tcp|udp]", description = "Publish the "
            + "sandbox's PORT on the host's HOSTPORT (all host addresses, or HOSTIP only); needs --net bridge. "
            + "Repeatable.")
    List<String> publish = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDRESS", description = "The sandbox's address on the bridge (default: "
            + "the next free one of the bridge's range, 10.88.0.0/16 unless -Disola.linux.bridge.subnet says "
            + "otherwise), or its IPv6 pair (fd88::N for offset N) on a host with IPv6; needs --net bridge.")
    String ip;

    @Option(names = {"-e", "--env"}, paramLabel = "K=V|K", description = "Set an environment variable; K alone "
            + "passes the caller's value if set; repeatable.")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", defaultValue = "/", description = "Working directory "
            + "inside the sandbox (default: ${DEFAULT-VALUE}).")
    String workdir;

    @Option(names = {"-u", "--user"}, paramLabel = "UID[:GID]|NAME", description = "Run as this user; a name is "
            + "looked up in the sandbox's /etc/passwd.")
    String user;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationParser.Converter.class,
            description = "Kill the sandbox after this long: 500ms, 10s, 1.5s, 2m, 1h.")
    Duration timeout;

    @Mixin
    LimitOptions limits;

    @Option(names = "--cgroup-parent", paramLabel = "PATH", description = "Linux: the cgroup the sandbox's cgroup is "
            + "made in, below each hierarchy's root (default: isola); its own limits apply on top.")
    String cgroupParent;

    @Option(names = "--id", paramLabel = "ID", description = "The sandbox id (default: random).")
    String id;

    @Option(names = "--status-file", paramLabel = "FILE", description = "Write how CMD ended, or why isola "
            + "failed, as JSON to FILE, with the sandbox's resource usage.")
    Path statusFile;

    @Option(names = "--stats", description = "When CMD has ended, print the sandbox's resource usage on stderr: "
            + "CPU time, peak memory, processes, OOM kills (what the backend accounts).")
    boolean stats;

    @Option(names = "--cap-add", paramLabel = "CAP", description = "Add this capability (CAP_NET_ADMIN or NET_ADMIN, "
            + "or ALL) to the default set; repeatable.")
    List<String> capAdd = new ArrayList<>();

    @Option(names = "--cap-drop", paramLabel = "CAP", description = "Drop this capability, or ALL, from the default "
            + "set; repeatable. With either option the set starts from runc's default (CAP_AUDIT_WRITE, CAP_KILL, "
            + "CAP_NET_BIND_SERVICE); with neither the backend keeps its minimal default.")
    List<String> capDrop = new ArrayList<>();

    @Option(names = "--no-new-privs", paramLabel = "BOOL", arity = "1", defaultValue = "true",
            description = "Set no_new_privs so that exec never gains privileges (default: ${DEFAULT-VALUE}).")
    boolean noNewPrivs;

    @Mixin
    GlobalOptions global;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments, looked up on "
            + "the sandbox's PATH.")
    List<String> command = new ArrayList<>();

    /**
     * Options end at the first positional so that CMD's own options are never taken for isola's;
     * set here rather than by the caller so that it holds however the command is constructed.
     *
     * @param s this command's model
     */
    @Spec
    void spec(CommandSpec s) {
        this.spec = s;
        s.parser().stopAtPositional(true);
    }

    @Override
    public Integer call() {
        global.configureLogging();
        SandboxSpec sandboxSpec;
        try {
            sandboxSpec = sandboxSpec(Path.of("").toAbsolutePath(), System.getenv());
        } catch (ParameterException e) {
            writeStatus(RunStatus.failed(e.getMessage()));
            throw e;
        }
        return run(sandboxSpec);
    }

    /**
     * Builds what to run from the parsed options, without running anything.
     *
     * @param cwd the directory relative {@code --rootfs} and volume sources are taken against
     * @param callerEnv the caller's environment, for {@code -e NAME}
     * @return the spec, with the command as its {@link SandboxSpec#process()}
     * @throws ParameterException naming the bad value when an option is invalid
     */
    SandboxSpec sandboxSpec(Path cwd, Map<String, String> callerEnv) {
        try {
            return buildSpec(cwd, callerEnv);
        } catch (SpecValidationException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private SandboxSpec buildSpec(Path cwd, Map<String, String> callerEnv) {
        if (readOnly && writable) {
            throw new SpecValidationException("--read-only and --writable exclude each other");
        }
        if (writable && rootfs == null) {
            throw new SpecValidationException("--writable needs --rootfs DIR: the host's root is only shared read-only");
        }
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new SpecValidationException("invalid --timeout \"" + DurationParser.format(timeout) + "\": must be positive");
        }
        List<MountSpec> mounts = new ArrayList<>();
        volumes.forEach(v -> mounts.add(MountOptions.volume(v, cwd)));
        tmpfs.forEach(t -> mounts.add(MountOptions.tmpfs(t)));
        // Parents before children whatever the order given, as Docker sorts mounts by depth.
        mounts.sort(Comparator.comparingInt(m -> m.destination().split("/").length));

        SandboxSpec.Builder b = SandboxSpec.builder()
                .id(id)
                .hostname(hostname)
                .root(rootfs == null ? RootSpec.HOST : RootSpec.directory(cwd.resolve(rootfs).normalize(), !writable))
                .network(network())
                .limits(limits.limits())
                .linux(new isola.api.LinuxOptions(isola.api.LinuxOptions.DEFAULT.userNamespace(),
                        isola.api.LinuxOptions.DEFAULT.mapToRoot(), isola.api.LinuxOptions.DEFAULT.cgroupNamespace(),
                        cgroupParent))
                .security(new SecuritySpec(noNewPrivs, CapabilityOptions.resolve(capAdd, capDrop)))
                .process(processSpec(callerEnv));
        mounts.forEach(b::mount);
        return b.build();
    }

    private NetworkSpec network() {
        NetworkMode mode;
        String target = null;
        try {
            int colon = net.indexOf(':');
            if (colon >= 0 && List.of("container", "sandbox").contains(net.substring(0, colon))) {
                target = net.substring(colon + 1);
                if (target.isEmpty()) {
                    throw new SpecValidationException("the id of the sandbox to share the network of is missing");
                }
                mode = NetworkMode.JOIN;
            } else {
                mode = NetworkMode.parse(net);
            }
        } catch (SpecValidationException e) {
            throw new SpecValidationException("invalid --net \"" + net + "\": " + e.getMessage());
        }
        List<isola.api.PortMapping> ports = new ArrayList<>();
        for (String p : publish) {
            try {
                ports.add(isola.api.PortMapping.parse(p));
            } catch (SpecValidationException e) {
                throw new SpecValidationException("invalid --publish \"" + p + "\": " + e.getMessage());
            }
        }
        if (mode != NetworkMode.BRIDGE && (!publish.isEmpty() || ip != null)) {
            throw new SpecValidationException((ip != null ? "--ip" : "--publish") + " needs --net bridge");
        }
        try {
            return new NetworkSpec(mode, ip == null ? List.of() : List.of(ip), ports, target);
        } catch (SpecValidationException e) {
            throw new SpecValidationException("invalid --net \"" + net + "\": " + e.getMessage());
        }
    }

    private ProcessSpec processSpec(Map<String, String> callerEnv) {
        ProcessSpec.Builder p = ProcessSpec.builder(command).inheritIo().cwd(workdir).timeout(timeout);
        for (String e : env) {
            int eq = e.indexOf('=');
            String name = eq < 0 ? e : e.substring(0, eq);
            if (name.isEmpty()) {
                throw new SpecValidationException("invalid --env \"" + e + "\": the variable name is empty");
            }
            if (eq >= 0) {
                p.env(name, e.substring(eq + 1));
            } else if (callerEnv.containsKey(name)) {
                p.env(name, callerEnv.get(name));
            }
        }
        if (user != null) {
            p.user(UserSpec.parse(user));
        }
        Rlimit nofile = limits.nofile();
        if (nofile != null) {
            p.rlimit(nofile);
        }
        return p.build();
    }

    private int run(SandboxSpec sandboxSpec) {
        PrintWriter err = spec.commandLine().getErr();
        Logger log = LoggerFactory.getLogger(RunCommand.class);
        Sandbox sandbox = null;
        Thread closer = null;
        RunStatus status;
        int code;
        try {
            IsolationBackend backend = backends.apply(global.backendName());
            log.debug("running sandbox {} with backend {}", sandboxSpec.id(), backend.name());
            sandbox = backend.create(sandboxSpec, new ProgressBar(err));
            closer = closeOnShutdown(sandbox);
            IsolatedProcess process = sandbox.exec(sandboxSpec.process());
            ExitStatus exit;
            SignalForwarder forwarder = SignalForwarder.install(process::kill);
            try {
                exit = process.waitFor();
            } finally {
                forwarder.close();
            }
            explain(err, exit);
            status = RunStatus.of(exit);
            // Before close, which removes the cgroups that hold the counts.
            if (stats || statusFile != null) {
                status = withStats(status, sandbox, backend.name(), err);
            }
            code = exit.shellStatus();
        } catch (HelperFailedException e) {
            code = e.commandNotFound() ? ExitCodes.RUN_NOT_FOUND
                    : e.commandNotExecutable() ? ExitCodes.RUN_NOT_EXECUTABLE : ExitCodes.RUN_FAILED;
            status = fail(err, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = ExitCodes.RUN_FAILED;
            status = fail(err, new IsolationException("interrupted while waiting for the command", e));
        } catch (RuntimeException e) {
            code = ExitCodes.RUN_FAILED;
            status = fail(err, e);
        }
        if (sandbox != null) {
            String closeError = close(sandbox, closer, err);
            if (closeError != null) {
                status = status.withError(closeError);
            }
        }
        return writeStatus(status) ? code : ExitCodes.RUN_FAILED;
    }

    private RunStatus fail(PrintWriter err, RuntimeException e) {
        FailureHandler.print(err, e, global.debug());
        return RunStatus.failed(FailureHandler.message(e));
    }

    /** Says why isola, not the command, ended it; the status stays the command's. */
    private void explain(PrintWriter err, ExitStatus exit) {
        if (exit.timedOut()) {
            err.println("isola: the command timed out after " + DurationParser.format(timeout) + " and was killed");
        }
        if (exit.oomKilled()) {
            err.println("isola: the command was killed for exceeding its memory limit");
        }
        if (exit.pidsLimitHit()) {
            err.println("isola: the command hit its process limit"
                    + (limits.pidsText() == null ? "" : " (--pids " + limits.pidsText() + ")"));
        }
        err.flush();
    }

    /**
     * Reads the sandbox's usage and prints it with {@code --stats}. A failure to read it is isola's
     * error in the status, and leaves the command's exit status alone.
     */
    private RunStatus withStats(RunStatus status, Sandbox sandbox, String backendName, PrintWriter err) {
        SandboxStats usage;
        try {
            usage = sandbox.stats();
        } catch (RuntimeException e) {
            IsolationException failure = new IsolationException("failed to read the sandbox's resource usage: "
                    + FailureHandler.message(e), e);
            FailureHandler.print(err, failure, global.debug());
            return status.withError(failure.getMessage());
        }
        if (stats) {
            err.println("isola: stats: " + StatsLine.format(usage, backendName));
            err.flush();
        }
        return status.withStats(usage);
    }

    /** Closes the sandbox if the JVM exits before {@link #close} does (an Error, a signal before exec). */
    private static Thread closeOnShutdown(Sandbox sandbox) {
        Thread t = new Thread(sandbox::close, "isola-close-" + sandbox.id());
        Runtime.getRuntime().addShutdownHook(t);
        return t;
    }

    private String close(Sandbox sandbox, Thread closer, PrintWriter err) {
        try {
            sandbox.close();
            return null;
        } catch (RuntimeException e) {
            FailureHandler.print(err, e, global.debug());
            return FailureHandler.message(e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(closer);
            } catch (IllegalStateException e) {
                // The JVM is already exiting; the hook closes again, which is harmless.
            }
        }
    }

    /** @return false when the status file was asked for and could not be written */
    private boolean writeStatus(RunStatus status) {
        if (statusFile == null) {
            return true;
        }
        try {
            status.write(statusFile);
            return true;
        } catch (IOException | RuntimeException e) {
            FailureHandler.print(spec.commandLine().getErr(),
                    new IsolationException("failed to write the status file " + statusFile + ": " + e, e), global.debug());
            return false;
        }
    }
}
