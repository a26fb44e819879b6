package io.scalemanager.agent.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** cpu (% busy since the previous sample), load, load5, load15 and cpus, from /proc and /sys. */
public final class CpuProbe implements Probe {
    private final Path proc;
    private final Path sys;
    private ProcParsers.CpuTimes previous;

    public CpuProbe(Path proc, Path sys) throws IOException {
        this.proc = proc;
        this.sys = sys;
        this.previous = ProcParsers.cpuTimes(Files.readString(proc.resolve("stat")));
    }

    @Override
    public void sample(Map<String, Double> into) throws IOException {
        ProcParsers.CpuTimes now = ProcParsers.cpuTimes(Files.readString(proc.resolve("stat")));
        into.put("cpu", now.busyPercentSince(previous));
        previous = now;
        double[] load = ProcParsers.loadAverages(Files.readString(proc.resolve("loadavg")));
        into.put("load", load[0]);
        into.put("load5", load[1]);
        into.put("load15", load[2]);
        Path online = sys.resolve("devices/system/cpu/online");
        into.put("cpus", (double) (Files.isReadable(online)
                ? ProcParsers.onlineCpus(Files.readString(online))
                : Runtime.getRuntime().availableProcessors()));
    }
}
