package io.scalemanager.server.demo;

import io.scalemanager.core.sizing.Size;

/**
 * One VM of the demo. Its work is fixed; how that feels depends on its size, so the manager's changes show:
 * more cores lower the load, more memory lowers ram %.
 *
 * @param cpuDemand cores' worth of work it wants to run
 * @param ramDemand MiB its programs use
 */
record SimulatedVm(String name, double cpuDemand, double ramDemand) {

    /** Load average as the demo models it: work per core, times four, so 1 core fully busy reads 4. */
    double load(Size size, double noise) {
        return Math.max(0, cpuDemand / size.cpu() * 4.0 + noise);
    }

    double cpuPercent(Size size, double noise) {
        return clampPercent(cpuDemand / size.cpu() * 100.0 + noise * 10);
    }

    double ramPercent(Size size, double noise) {
        return clampPercent(ramDemand / size.ram() * 100.0 + noise);
    }

    private static double clampPercent(double v) {
        return Math.max(0, Math.min(100, v));
    }
}
