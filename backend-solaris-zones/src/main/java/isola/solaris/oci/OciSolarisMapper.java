// SPDX-License-Identifier: Apache-2.0
package isola.solaris.oci;

import com.fasterxml.jackson.databind.JsonNode;
import isola.api.Limits;
import isola.api.SolarisOptions;
import isola.api.SpecValidationException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Maps the {@code solaris} section of an OCI runtime-spec config.json (config-solaris.md) onto
 * isola's {@link SolarisOptions} and {@link Limits}: {@code limitpriv} to the zone's limitpriv,
 * {@code cappedCPU.ncpus} to a CPU quota, {@code cappedMemory.physical}/{@code swap} to the memory
 * and memory+swap limits. The fields isola cannot honour exactly are refused with their name:
 * {@code milestone} (isola starts the process once the zone runs, it waits for no SMF milestone),
 * {@code maxShmMemory} (no such limit in isola's model yet) and {@code anet} (isola's bridged zones
 * hang from its own etherstub behind NAT, not from a lower link the bundle picks).
 */
public final class OciSolarisMapper {
    private static final Set<String> KNOWN = Set.of("milestone", "limitpriv", "maxShmMemory", "cappedCPU", "cappedMemory", "anet");

    private OciSolarisMapper() {
    }

    /**
     * The mapping.
     *
     * @param options the zone options
     * @param limits the limits, the bundle's others kept
     */
    public record Result(SolarisOptions options, Limits limits) {
    }

    /**
     * @param solaris the {@code solaris} object of config.json, or null/missing
     * @param limits the limits mapped from the rest of config.json (linux.resources has no meaning here)
     * @return the options and limits
     * @throws SpecValidationException naming the field that cannot be honoured
     */
    public static Result map(JsonNode solaris, Limits limits) {
        if (solaris == null || solaris.isNull() || solaris.isMissingNode()) {
            return new Result(SolarisOptions.DEFAULT, limits);
        }
        if (!solaris.isObject()) {
            throw new SpecValidationException("solaris must be an object");
        }
        for (Iterator<String> it = solaris.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!KNOWN.contains(f)) {
                throw new SpecValidationException("unknown field solaris." + f);
            }
        }
        if (solaris.hasNonNull("milestone")) {
            throw new SpecValidationException("solaris.milestone is not supported: isola boots the whole zone and starts the process "
                    + "once it runs, without waiting for an SMF milestone");
        }
        if (solaris.hasNonNull("maxShmMemory")) {
            throw new SpecValidationException("solaris.maxShmMemory is not supported: isola has no zone.max-shm-memory limit yet");
        }
        if (solaris.path("anet").size() > 0) {
            throw new SpecValidationException("solaris.anet is not supported: isola's bridged zones get a link on its own etherstub "
                    + "behind NAT; choose isola's network mode instead of a lower link");
        }
        String limitpriv = solaris.hasNonNull("limitpriv") ? solaris.get("limitpriv").asText() : null;
        Double cpus = limits.cpus();
        JsonNode ncpus = solaris.path("cappedCPU").path("ncpus");
        if (!ncpus.isMissingNode() && !ncpus.isNull()) {
            try {
                cpus = Double.valueOf(ncpus.asText().strip());
            } catch (NumberFormatException e) {
                throw new SpecValidationException("solaris.cappedCPU.ncpus must be a number such as 1.5, got \"" + ncpus.asText() + "\"");
            }
        }
        Long memory = limits.memoryBytes();
        Long swap = limits.memorySwapBytes();
        JsonNode mem = solaris.path("cappedMemory");
        if (mem.hasNonNull("physical")) {
            memory = bytes("solaris.cappedMemory.physical", mem.get("physical").asText());
        }
        if (mem.hasNonNull("swap")) {
            swap = bytes("solaris.cappedMemory.swap", mem.get("swap").asText());
        }
        Limits l = new Limits(memory, swap, cpus, limits.cpuWeight(), limits.cpusetCpus(), limits.cpusetMems(), limits.pids(),
                limits.ioWeight(), limits.deviceIo());
        return new Result(new SolarisOptions(null, limitpriv, null), l);
    }

    /**
     * @param field the field, for errors
     * @param v a size with zonecfg's optional scale: K, M, G or T, any case (zonecfg(8))
     * @return bytes
     */
    static long bytes(String field, String v) {
        String s = v.strip().toUpperCase(Locale.ROOT);
        if (!s.matches("[0-9]+[KMGT]?")) {
            throw new SpecValidationException(field + " must be a size such as 512m or 2g, got \"" + v + "\"");
        }
        char last = s.charAt(s.length() - 1);
        int shift = switch (last) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new SpecValidationException(field + " \"" + v + "\" is too large");
        }
    }
}
