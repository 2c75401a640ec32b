// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.BackendUnavailableException;
import isola.api.Capability;
import isola.api.IsolationException;
import isola.api.MountSpec;
import isola.api.NetworkMode;
import isola.api.ProgressListener;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.SpecValidationException;
import isola.spi.CapabilitySet;
import isola.spi.HostCommands;
import isola.spi.IsolationBackend;
import isola.spi.ProbeResult;
import isola.spi.ProcessHostCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Solaris/illumos zones backend: one zone per sandbox, configured with zonecfg from the spec,
 * installed by cloning a cached template zone (installed once per brand and IP type), booted, and
 * entered with zlogin; limits are zone resource controls, the network an exclusive-IP stack (none,
 * bridge over an etherstub with ipnat) or shared-IP addresses. Driven through the supported
 * command-line tools, as the reference recommends; see docs/solaris-zones-backend.md.
 */
public final class SolarisZonesBackend implements IsolationBackend {
    static final String NAME = "solaris-zones";

    private final String osName;
    private final HostCommands host;
    private final Path root;
    private final Path runtime;
    private final String zonepathBase;
    private final String zlogin;
    private volatile ZonesHost facts;
    private volatile String bridgeProblem;
    private volatile ProbeResult probe;
    private volatile CapabilitySet capabilities;
    private volatile boolean prepared;

    /** Cheap: the host is probed on first use. */
    public SolarisZonesBackend() {
        this(System.getProperty("os.name", ""), new ProcessHostCommands(), Path.of("/"),
                Path.of(System.getProperty("isola.zones.runtime-dir", "/var/run/isola/zones")),
                System.getProperty("isola.zones.zonepath-base", "/zones"), ZloginScript.ZLOGIN, null, null);
    }

    SolarisZonesBackend(String osName) {
        this(osName, new ProcessHostCommands(), Path.of("/"), Path.of("/var/run/isola/zones"), "/zones", ZloginScript.ZLOGIN, null, null);
    }

    /**
     * @param osName os.name
     * @param host the tools
     * @param root the file system root (for /etc/release and /usr/lib/brand)
     * @param runtime the runtime directory (records, leases, command files)
     * @param zonepathBase the directory holding zonepaths (a ZFS dataset's mount point for fast clones)
     * @param zlogin the zlogin binary
     * @param facts the host's facts, null to probe them
     * @param bridgeProblem why bridge mode is unavailable, null when it is (only with facts given)
     */
    SolarisZonesBackend(String osName, HostCommands host, Path root, Path runtime, String zonepathBase, String zlogin,
            ZonesHost facts, String bridgeProblem) {
        this.osName = osName;
        this.host = host;
        this.root = root;
        this.runtime = runtime;
        this.zonepathBase = zonepathBase;
        this.zlogin = zlogin;
        this.facts = facts;
        this.bridgeProblem = bridgeProblem;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    private boolean onSunOs() {
        return osName.toLowerCase(Locale.ROOT).contains("sunos");
    }

    @Override
    public ProbeResult probe() {
        ProbeResult p = probe;
        if (p == null) {
            if (!onSunOs()) {
                p = ProbeResult.unavailable("not a SunOS host (os.name is " + osName + ")");
            } else {
                ZonesHost h;
                try {
                    h = facts();
                } catch (RuntimeException e) {
                    h = null;
                    p = ProbeResult.unavailable("probing the zones tools failed: " + e.getMessage());
                }
                if (h != null) {
                    String problem = problem(h);
                    p = problem != null ? ProbeResult.unavailable(problem)
                            : ProbeResult.available(h.release() + ", brands " + String.join(",", new java.util.TreeSet<>(h.brands()))
                                    + (h.zonesDataset() != null ? ", zones on ZFS " + h.zonesDataset() : ", zonepath base not on ZFS"));
                }
            }
            probe = p;
        }
        return p;
    }

    /** @return why zones cannot be made here, or null */
    static String problem(ZonesHost h) {
        if (!h.globalZone()) {
            return "isola runs in a non-global zone; zones can only be made from the global zone";
        }
        if (h.distribution() == ZonesHost.Distribution.SMARTOS) {
            return "SmartOS zones are made by vmadm from images, which isola does not drive";
        }
        if (h.brands().isEmpty()) {
            return "no zone brand is installed (/usr/lib/brand is empty); on OmniOS: pkg install brand/sparse";
        }
        return null;
    }

    ZonesHost facts() {
        ZonesHost h = facts;
        if (h == null) {
            h = ZonesProbe.probe(root, host, zonepathBase);
            bridgeProblem = bridgeProblem(h, ZonesBridge.fromProperties(null));
            facts = h;
        }
        return h;
    }

    private String bridgeProblem(ZonesHost h, ZonesBridge b) {
        if (!h.ipfilter()) {
            return "IP Filter is not enabled, which bridged NAT and published ports need; svcadm enable network/ipfilter";
        }
        HostCommands.Result links = host.run(Dladm.DLADM, "show-link", "-p", "-o", "link,class");
        if (!links.ok() || !links.stdout().contains(b.etherstub() + ":etherstub")) {
            return "the etherstub " + b.etherstub() + " does not exist; prepare the host as docs/solaris-zones-backend.md says "
                    + "(dladm create-etherstub " + b.etherstub() + ")";
        }
        return null;
    }

    @Override
    public CapabilitySet capabilities() {
        CapabilitySet c = capabilities;
        if (c == null) {
            CapabilitySet.Builder b = CapabilitySet.builder();
            if (!probe().available()) {
                for (Capability cap : Capability.values()) {
                    b.lacks(cap, probe().reason());
                }
            } else {
                capabilities(b, facts(), bridgeProblem);
            }
            c = b.build();
            capabilities = c;
        }
        return c;
    }

    static void capabilities(CapabilitySet.Builder b, ZonesHost h, String bridgeProblem) {
        b.supports(Capability.PID_ISOLATION, Capability.HOSTNAME, Capability.IPC_ISOLATION, Capability.MOUNT_ISOLATION,
                Capability.BIND_MOUNT, Capability.TMPFS, Capability.NETWORK_NONE, Capability.NETWORK_ADDRESSES,
                Capability.MEMORY_LIMIT, Capability.MEMORY_SWAP_LIMIT, Capability.CPU_LIMIT, Capability.PIDS_LIMIT,
                Capability.USER_SWITCH, Capability.RLIMITS, Capability.NO_NEW_PRIVILEGES,
                Capability.LIVE_LIMIT_UPDATE);
        String brand = h.defaultBrand();
        if (brand != null && (brand.equals("sparse") || brand.equals("solaris")) && h.brands().contains(brand)) {
            b.supports(Capability.HOST_ROOT);
        } else {
            b.lacks(Capability.HOST_ROOT, "the host's OS read-only needs the sparse brand (OmniOS: pkg install brand/sparse)");
        }
        if (!h.exclusiveIp()) {
            b.lacks(Capability.NETWORK_NONE, "dladm does not work here, so exclusive-IP zones cannot be made");
        }
        if (bridgeProblem == null && h.exclusiveIp()) {
            b.supports(Capability.NETWORK_BRIDGE);
        } else {
            b.lacks(Capability.NETWORK_BRIDGE, bridgeProblem != null ? bridgeProblem : "exclusive-IP zones cannot be made here");
        }
        if (h.fssDefault()) {
            b.supports(Capability.CPU_WEIGHT);
        } else {
            b.lacks(Capability.CPU_WEIGHT, "zone.cpu-shares need the Fair Share Scheduler as the default class; dispadmin -d FSS and reboot");
        }
        b.lacks(Capability.ROOT_DIRECTORY, "a zone's root is its installed image under its zonepath, not a chosen directory");
        b.lacks(Capability.WRITABLE_ROOT, "a zone's root is its installed image; use mounts for writable data");
        b.lacks(Capability.NETWORK_HOST, "a zone always has its own addresses or its own IP stack; use network mode addresses");
        b.lacks(Capability.NETWORK_JOIN, "a datalink belongs to one zone; run the processes in one sandbox");
        b.lacks(Capability.CPUSET, "zones cannot be pinned to chosen CPUs; use SolarisOptions.dedicatedCpus");
        b.lacks(Capability.IO_LIMIT, "zones have only a relative ZFS I/O priority, neither weights nor per-device rates");
        b.lacks(Capability.SUPPLEMENTARY_GROUPS, "zlogin switches users with su, which takes the groups from the zone's /etc/group");
        b.lacks(Capability.PRIVILEGE_SET, "illumos privileges are not Linux capabilities; use SolarisOptions.limitpriv");
        b.lacks(Capability.USER_NAMESPACE, "zones have no uid mapping: uid 0 in a zone owns uid-0 files on lofs mounts");
        b.lacks(Capability.CGROUP_NAMESPACE, "illumos has no cgroups");
    }

    @Override
    public Sandbox create(SandboxSpec spec) {
        return create(spec, ProgressListener.NONE);
    }

    @Override
    public Sandbox create(SandboxSpec spec, ProgressListener progress) {
        ProbeResult p = probe();
        if (!p.available()) {
            throw new BackendUnavailableException("backend " + NAME + " is unavailable: " + p.reason());
        }
        capabilities().require(NAME, spec.requiredCapabilities());
        ZonesHost h = facts();
        String zone = ZoneNames.zone(spec.id());
        String brand = validate(spec, h, zone);
        prepare();
        Path rec = runtime.resolve("records").resolve(zone);
        if (Files.exists(rec) && !ZoneRecord.ownerAlive(rec)) {
            // its owner died after this JVM's first sweep: sweep again rather than refuse the id
            ZoneRecord.sweep(runtime.resolve("records"), new ZoneAdmin(host), host);
        }
        ZoneRecord record = ZoneRecord.acquire(runtime.resolve("records"), zone);
        try {
            NetworkPlanner.Plan net = network(spec, h, zone);
            ZoneConfig config = ZonePlanner.zone(spec, h, brand, zonepathBase + "/" + zone, net.zone());
            ZonePlanner.Template template = ZonePlanner.template(brand, config.ipType(), zonepathBase);
            SolarisZone z = new SolarisZone(new ZoneAdmin(host), host, record, zone, config, spec.solaris().templateZone(), template,
                    runtime.resolve("work"), net.setup(), spec.hostname());
            z.create(progress);
            return new ZonesSandbox(this, spec, z);
        } catch (RuntimeException e) {
            RuntimeException u = record.undoAll(new ZoneAdmin(host), host);
            if (u != null) {
                e.addSuppressed(u);
            }
            throw e;
        }
    }

    /** Everything checkable is checked before the first side effect. @return the brand */
    String validate(SandboxSpec spec, ZonesHost h, String zone) {
        String brand = ZonePlanner.brand(spec, h);
        NetworkPlanner.check(spec.network());
        // renders the whole configuration once: limits, mounts, privileges and values zonecfg cannot carry fail here
        ZonecfgScript.render(ZonePlanner.zone(spec, h, brand, zonepathBase + "/" + zone, ZoneNetwork.NONE));
        if (spec.process() != null) {
            ZloginScript.argv(zone, spec.process(), "0", spec.security().noNewPrivileges());
        }
        for (MountSpec m : spec.mounts()) {
            if (m.type() == MountSpec.Type.BIND && !Files.exists(m.source())) {
                throw new SpecValidationException("volume source " + m.source() + " does not exist (mount to " + m.destination() + ")");
            }
        }
        String t = spec.solaris().templateZone();
        if (t != null) {
            Optional<ZoneEntry> e = new ZoneAdmin(host).find(t);
            if (e.isEmpty() || !e.get().state().equals("installed")) {
                throw new SpecValidationException("template zone " + t + " must exist and be installed and halted to be cloned"
                        + e.map(z -> " (it is " + z.state() + ")").orElse(" (it does not exist)"));
            }
            if (!e.get().brand().equals(brand)) {
                throw new SpecValidationException("template zone " + t + " has brand " + e.get().brand() + ", not " + brand
                        + "; a clone keeps its source's brand");
            }
        }
        if (new ZoneAdmin(host).find(zone).isPresent() && Files.exists(runtime.resolve("records").resolve(zone))
                && ZoneRecord.ownerAlive(runtime.resolve("records").resolve(zone))) {
            throw new IsolationException("sandbox " + spec.id() + " exists already (zone " + zone + ")");
        }
        return brand;
    }

    private NetworkPlanner.Plan network(SandboxSpec spec, ZonesHost h, String zone) {
        return switch (spec.network().mode()) {
            case NONE -> new NetworkPlanner.Plan(ZoneNetwork.NONE, ZoneNetworkSetup.NOTHING);
            case ADDRESSES -> {
                HostCommands.Result r = ZoneAdmin.check(host.run("/usr/sbin/ipadm", "show-addr", "-p", "-o", "addrobj,addr"));
                yield new NetworkPlanner.Plan(NetworkPlanner.addresses(spec.network().addresses(), r.stdout()), ZoneNetworkSetup.NOTHING);
            }
            case BRIDGE -> NetworkPlanner.bridge(zone, spec.network(), ZonesBridge.fromProperties(defaultEgress()), h.anet(),
                    runtime.resolve("leases"), host);
            default -> throw new IllegalStateException(spec.network().mode() == NetworkMode.HOST ? "host" : "join");
        };
    }

    private String defaultEgress() {
        HostCommands.Result r = host.run("/usr/sbin/route", "-n", "get", "default");
        if (r.ok()) {
            for (String line : r.stdout().split("\n")) {
                String l = line.strip();
                if (l.startsWith("interface:")) {
                    return l.substring("interface:".length()).strip();
                }
            }
        }
        return null;
    }

    /** Makes the runtime directories (0700) and, once per JVM, sweeps what dead isola processes left. */
    synchronized List<String> prepare() {
        if (prepared) {
            return List.of();
        }
        for (String d : new String[] {"", "records", "leases", "work"}) {
            Path p = d.isEmpty() ? runtime : runtime.resolve(d);
            try {
                Files.createDirectories(p);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
            } catch (IOException | UnsupportedOperationException e) {
                throw new IsolationException("cannot prepare the runtime directory " + p + ": " + e, e);
            }
        }
        List<String> swept = new java.util.ArrayList<>(ZoneRecord.sweep(runtime.resolve("records"), new ZoneAdmin(host), host));
        swept.addAll(NetworkPlanner.sweepLeases(runtime.resolve("leases"), runtime.resolve("records")));
        prepared = true;
        return swept;
    }

    @Override
    public Map<String, String> hostFacts() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("os", osName + " " + System.getProperty("os.version", ""));
        if (onSunOs()) {
            try {
                ZonesHost h = facts();
                f.put("distribution", h.distribution().name().toLowerCase(Locale.ROOT) + " (" + h.release() + ")");
                f.put("brands", String.join(", ", new java.util.TreeSet<>(h.brands())));
                f.put("default brand", String.valueOf(h.defaultBrand()));
                f.put("zfs", h.zonesDataset() != null ? h.zonesDataset() + " at " + zonepathBase : "no dataset at " + zonepathBase + " (clones copy)");
                f.put("exclusive-ip", Boolean.toString(h.exclusiveIp()));
                f.put("fss", Boolean.toString(h.fssDefault()));
                f.put("ipfilter", Boolean.toString(h.ipfilter()));
                f.put("bridge", bridgeProblem == null ? "ready" : bridgeProblem);
            } catch (RuntimeException e) {
                f.put("probe", "failed: " + e.getMessage());
            }
        }
        return f;
    }

    HostCommands host() {
        return host;
    }

    String zlogin() {
        return zlogin;
    }
}
