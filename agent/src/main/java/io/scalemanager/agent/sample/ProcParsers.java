package io.scalemanager.agent.sample;

import java.util.Map;

/** Pure parsers of /proc text, so the arithmetic is testable on fixed input. */
public final class ProcParsers {
    private ProcParsers() {
    }

    /** Busy and total jiffies of the aggregate "cpu" line of /proc/stat. */
    public record CpuTimes(long busy, long total) {
        /** Percent busy between an earlier reading and this one; 0 when no time has passed. */
        public double busyPercentSince(CpuTimes earlier) {
            long dt = total - earlier.total;
            return dt <= 0 ? 0 : Math.max(0, Math.min(100, 100.0 * (busy - earlier.busy) / dt));
        }
    }

    public static CpuTimes cpuTimes(String procStat) {
        int start = procStat.indexOf("cpu ");
        int end = procStat.indexOf('\n', start);
        String[] f = procStat.substring(start + 4, end < 0 ? procStat.length() : end).trim().split("\\s+");
        long total = 0;
        // user nice system idle iowait irq softirq steal; guest and guest_nice are already inside user and nice
        int n = Math.min(f.length, 8);
        for (int i = 0; i < n; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[3]) + (f.length > 4 ? Long.parseLong(f[4]) : 0);
        return new CpuTimes(total - idle, total);
    }

    /** The 1, 5 and 15 minute load averages of /proc/loadavg. */
    public static double[] loadAverages(String procLoadavg) {
        String[] f = procLoadavg.trim().split("\\s+");
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    /** ram, ram_used_mb, ram_total_mb from /proc/meminfo: used is MemTotal minus MemAvailable. */
    public static void memory(String procMeminfo, Map<String, Double> into) {
        long totalKb = -1;
        long availableKb = -1;
        for (String line : procMeminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                totalKb = kb(line);
            } else if (line.startsWith("MemAvailable:")) {
                availableKb = kb(line);
            }
        }
        if (totalKb <= 0 || availableKb < 0) {
            throw new IllegalArgumentException("MemTotal or MemAvailable missing in /proc/meminfo");
        }
        long usedKb = totalKb - availableKb;
        into.put("ram", 100.0 * usedKb / totalKb);
        into.put("ram_used_mb", usedKb / 1024.0);
        into.put("ram_total_mb", totalKb / 1024.0);
    }

    private static long kb(String line) {
        String[] f = line.trim().split("\\s+");
        return Long.parseLong(f[1]);
    }

    /** Online cores from /sys/devices/system/cpu/online, a list of ranges such as "0-3,6,8-9". */
    public static int onlineCpus(String ranges) {
        int n = 0;
        for (String part : ranges.trim().split(",")) {
            int dash = part.indexOf('-');
            n += dash < 0 ? 1 : Integer.parseInt(part.substring(dash + 1)) - Integer.parseInt(part.substring(0, dash)) + 1;
        }
        return n;
    }
}
