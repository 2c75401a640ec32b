// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.Limits;
import isola.api.Rlimit;
import isola.api.RlimitType;
import isola.api.SpecValidationException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The resource-limit options of {@code run}, named as {@code docker run} names them: limits for the
 * whole sandbox ({@link Limits}) and the workload's open-files rlimit. Values are kept as given and
 * checked when the spec is built, so that every error names the option and the value as typed.
 */
public final class LimitOptions {
    @Option(names = "--memory", paramLabel = "SIZE", converter = SizeParser.Converter.class,
            description = "Memory limit: 512k, 64m, 1g or bytes.")
    Long memory;

    @Option(names = "--memory-swap", paramLabel = "SIZE", converter = SizeParser.Converter.class,
            description = "Memory plus swap limit, as Docker's; needs --memory no larger than it.")
    Long memorySwap;

    @Option(names = "--cpus", paramLabel = "N", description = "CPU quota in CPUs, e.g. 0.5 or 2.")
    String cpus;

    @Option(names = "--cpu-weight", paramLabel = "N", description = "Relative CPU weight, 1 to 10000 (100 is an "
            + "ordinary share).")
    String cpuWeight;

    @Option(names = "--cpuset-cpus", paramLabel = "LIST", description = "CPUs the sandbox may run on, e.g. 0-1,3.")
    String cpusetCpus;

    @Option(names = "--cpuset-mems", paramLabel = "LIST", description = "Memory nodes it may allocate from, e.g. 0.")
    String cpusetMems;

    @Option(names = {"--pids", "--pids-limit"}, paramLabel = "N", description = "Most processes and threads the "
            + "sandbox may have.")
    String pids;

    @Option(names = "--nofile", paramLabel = "N", description = "Most open files per process (RLIMIT_NOFILE, soft "
            + "and hard).")
    String nofile;

    @Option(names = "--io-weight", paramLabel = "N", description = "Relative block I/O weight, 1 to 10000.")
    String ioWeight;

    @Option(names = "--device-read-bps", paramLabel = "DEV:RATE", description = "Limit reads from host block device "
            + "DEV to RATE bytes per second, e.g. /dev/vda:10m; repeatable.")
    List<String> deviceReadBps = new ArrayList<>();

    @Option(names = "--device-write-bps", paramLabel = "DEV:RATE", description = "Limit writes to DEV likewise; "
            + "repeatable.")
    List<String> deviceWriteBps = new ArrayList<>();

    /** @return the {@code --pids} value as given, for messages; null when not given */
    String pidsText() {
        return pids;
    }

    /**
     * @return the limits asked for
     * @throws SpecValidationException naming the option and its value when one is invalid
     */
    Limits limits() {
        Double cpuQuota = cpus == null ? null : cpus();
        Integer weight = cpuWeight == null ? null : weight("--cpu-weight", cpuWeight);
        String cpuList = cpusetCpus == null ? null : check("--cpuset-cpus", cpusetCpus,
                () -> new Limits(null, null, null, null, cpusetCpus, null, null, null, List.of()));
        String memList = cpusetMems == null ? null : check("--cpuset-mems", cpusetMems,
                () -> new Limits(null, null, null, null, null, cpusetMems, null, null, List.of()));
        Long pidsMax = pids == null ? null : positiveLong("--pids", pids, "a positive number of processes");
        Integer io = ioWeight == null ? null : weight("--io-weight", ioWeight);
        return new Limits(memory, memorySwap, cpuQuota, weight, cpuList, memList, pidsMax, io, deviceIo());
    }

    /**
     * @return the open-files rlimit, soft and hard, or null when {@code --nofile} was not given
     * @throws SpecValidationException naming the value when it is invalid
     */
    Rlimit nofile() {
        if (nofile == null) {
            return null;
        }
        long n = positiveLong("--nofile", nofile, "a positive number of open files");
        return new Rlimit(RlimitType.NOFILE, n, n);
    }

    private Double cpus() {
        BigDecimal d;
        try {
            d = new BigDecimal(cpus);
        } catch (NumberFormatException e) {
            throw invalid("--cpus", cpus, "expected a positive number of CPUs such as 0.5 or 2");
        }
        if (d.signum() <= 0) {
            throw invalid("--cpus", cpus, "must be a positive number of CPUs such as 0.5 or 2");
        }
        double v = d.doubleValue();
        if (Double.isInfinite(v)) {
            throw invalid("--cpus", cpus, "is too large");
        }
        return v;
    }

    private static int weight(String option, String text) {
        long v = positiveLong(option, text, "a whole number from 1 to 10000");
        if (v > 10000) {
            throw invalid(option, text, "must be a whole number from 1 to 10000");
        }
        return (int) v;
    }

    private static long positiveLong(String option, String text, String expected) {
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw invalid(option, text, "expected " + expected);
        }
        if (v <= 0) {
            throw invalid(option, text, "must be " + expected);
        }
        return v;
    }

    /** Lets {@link Limits} check a value and names the option in its message. */
    private static String check(String option, String text, Supplier<Limits> validate) {
        try {
            validate.get();
            return text;
        } catch (SpecValidationException e) {
            throw invalid(option, text, e.getMessage());
        }
    }

    /** Read and write throttles of the same device become one {@link Limits.DeviceIo}, in the order first given. */
    private List<Limits.DeviceIo> deviceIo() {
        Map<String, Long[]> byDevice = new LinkedHashMap<>();
        throttles("--device-read-bps", deviceReadBps, 0, byDevice);
        throttles("--device-write-bps", deviceWriteBps, 1, byDevice);
        List<Limits.DeviceIo> out = new ArrayList<>();
        byDevice.forEach((dev, rates) -> out.add(new Limits.DeviceIo(dev, rates[0], rates[1])));
        return out;
    }

    private static void throttles(String option, List<String> values, int slot, Map<String, Long[]> byDevice) {
        for (String text : values) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw invalid(option, text, "expected DEV:RATE such as /dev/vda:10m");
            }
            String device = text.substring(0, colon);
            if (!device.startsWith("/")) {
                throw invalid(option, text, "the device must be an absolute path such as /dev/vda, got \"" + device
                        + "\"");
            }
            long rate;
            try {
                rate = SizeParser.parse(text.substring(colon + 1));
            } catch (SpecValidationException e) {
                throw invalid(option, text, e.getMessage());
            }
            if (rate == 0) {
                throw invalid(option, text, "the rate must be positive");
            }
            Long[] rates = byDevice.computeIfAbsent(device, d -> new Long[2]);
            if (rates[slot] != null) {
                throw invalid(option, text, "a rate for " + device + " is already given");
            }
            rates[slot] = rate;
        }
    }

    private static SpecValidationException invalid(String option, String text, String why) {
        return new SpecValidationException("invalid " + option + " \"" + text + "\": " + why);
    }
}
