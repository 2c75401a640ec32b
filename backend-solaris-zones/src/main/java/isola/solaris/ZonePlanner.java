// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.Capability;
import isola.api.MountSpec;
import isola.api.SandboxSpec;
import isola.api.SpecValidationException;
import isola.api.UnsupportedCapabilityException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a {@link SandboxSpec} into the {@link ZoneConfig} of its zone, and the configuration of the
 * template zone it is cloned from. Everything a zone cannot honour fails here, before any side effect.
 */
final class ZonePlanner {
    /** limitpriv: privilege names, optionally negated, comma-separated (privileges(7)). */
    private static final Pattern LIMITPRIV = Pattern.compile("-?[a-z_]+(,-?[a-z_]+)*");

    private ZonePlanner() {
    }

    /**
     * @param spec the sandbox
     * @param host the host
     * @return the brand the zone gets
     * @throws UnsupportedCapabilityException when no brand fits
     */
    static String brand(SandboxSpec spec, ZonesHost host) {
        String brand = spec.solaris().brand() != null ? spec.solaris().brand() : host.defaultBrand();
        if (brand == null) {
            throw new UnsupportedCapabilityException(Capability.PID_ISOLATION, SolarisZonesBackend.NAME,
                    "on " + host.distribution() + " zones are made by vmadm from images, which isola does not drive");
        }
        if (!host.brands().contains(brand)) {
            throw new UnsupportedCapabilityException(Capability.PID_ISOLATION, SolarisZonesBackend.NAME,
                    "brand " + brand + " is not installed (installed: " + String.join(", ", new java.util.TreeSet<>(host.brands()))
                            + "); on OmniOS: pkg install brand/" + brand);
        }
        if (!brand.matches("[a-z0-9-]+")) {
            throw new SpecValidationException("brand \"" + brand + "\" is not a brand name");
        }
        return brand;
    }

    /**
     * Checks what the network does not decide: root, mounts, privileges.
     *
     * @param spec the sandbox
     * @param brand its brand
     * @throws UnsupportedCapabilityException or SpecValidationException naming what fails
     */
    static void check(SandboxSpec spec, String brand) {
        String backend = SolarisZonesBackend.NAME;
        if (!spec.root().isHost()) {
            throw new UnsupportedCapabilityException(Capability.ROOT_DIRECTORY, backend,
                    "a zone's root is its installed image under its zonepath, not a chosen directory; "
                            + "use the host's root (sparse brand) or clone SolarisOptions.templateZone");
        }
        if (spec.root().isHost() && !brand.equals("sparse") && !brand.equals("solaris")) {
            throw new UnsupportedCapabilityException(Capability.HOST_ROOT, backend,
                    "brand " + brand + " gives the zone its own writable copy of the OS, not the host's read-only; "
                            + "use the sparse brand (OmniOS: pkg install brand/sparse)");
        }
        if (spec.security().privileges() != null) {
            throw new UnsupportedCapabilityException(Capability.PRIVILEGE_SET, backend,
                    "illumos privileges are not Linux capabilities; give the zone's privilege limit with SolarisOptions.limitpriv");
        }
        String lp = spec.solaris().limitpriv();
        if (lp != null && !LIMITPRIV.matcher(lp).matches()) {
            throw new SpecValidationException("limitpriv \"" + lp + "\" must be privilege names, each optionally negated with '-', "
                    + "separated by commas, e.g. default,-proc_info");
        }
    }

    /**
     * @param spec the sandbox
     * @param host the host
     * @param brand its brand ({@link #brand})
     * @param zonepath its zonepath
     * @param net its network
     * @return the zone's configuration
     */
    static ZoneConfig zone(SandboxSpec spec, ZonesHost host, String brand, String zonepath, ZoneNetwork net) {
        check(spec, brand);
        ZoneLimits.Mapped limits = ZoneLimits.map(spec.limits(), host, spec.solaris().dedicatedCpus());
        List<ZoneConfig.Fs> fs = new ArrayList<>();
        for (MountSpec m : spec.mounts()) {
            if (m.type() == MountSpec.Type.BIND) {
                // lofs is the zones bind mount; nodevices as the reference's typical options
                fs.add(new ZoneConfig.Fs(m.destination(), m.source().toString(), "lofs",
                        List.of(m.readOnly() ? "ro" : "rw", "nodevices")));
            } else {
                List<String> o = new ArrayList<>();
                if (m.sizeBytes() > 0) {
                    o.add("size=" + ZoneLimits.tmpfsSize(m.sizeBytes()));
                }
                if (m.mode() >= 0) {
                    o.add("mode=" + Integer.toOctalString(m.mode()));
                }
                fs.add(new ZoneConfig.Fs(m.destination(), "swap", "tmpfs", o));
            }
        }
        return new ZoneConfig(zonepath, brand, net.ipType(), spec.solaris().limitpriv(), net.nets(), net.anets(), fs,
                limits.cappedMemory(), limits.cappedCpu(), limits.dedicatedCpu(), limits.rctls());
    }

    /**
     * The template a sandbox zone is cloned from: what {@code zoneadm install} depends on (brand and
     * IP type), nothing per sandbox. Its name comes from the hash of this text, so a change of what
     * isola installs makes a new template rather than reusing a stale one.
     *
     * @param brand the brand
     * @param ipType the sandbox's IP type (a clone keeps the source's)
     * @param zonepathBase the directory holding zonepaths
     * @return the template's name and configuration
     */
    static Template template(String brand, ZoneConfig.IpType ipType, String zonepathBase) {
        ZoneConfig key = new ZoneConfig("/", brand, ipType, null, List.of(), List.of(), List.of(), null, null, null, List.of());
        String name = ZoneNames.template(ZoneNames.sha256(ZonecfgScript.render(key)));
        ZoneConfig c = new ZoneConfig(zonepathBase + "/" + name, brand, ipType, null, List.of(), List.of(), List.of(),
                null, null, null, List.of());
        return new Template(name, c);
    }

    /**
     * A template zone.
     *
     * @param name its zone name
     * @param config its configuration
     */
    record Template(String name, ZoneConfig config) {
    }
}
