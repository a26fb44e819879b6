package io.scalemanager.manager.fleet;

import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.manager.command.InstanceApiClient.SourcedSize;
import io.scalemanager.manager.verify.SizeReports;

import java.util.Map;
import java.util.Optional;

/**
 * The size {@code /v1/instances} shows for an instance and where it comes from ({@code size_source}): a
 * provider's reading as the instance API gives it (what resizes act on); else the instance's own latest reports
 * when they give every component ({@code cpus}, {@code ram_total_mb}, {@code storage_total_gb}: source
 * {@code agent}), in place of the simulator's made-up size, which a real agent's figures would contradict; else
 * what the instance API says ({@code simulator}). Overall, not per component: one source for the whole size.
 *
 * @param size   cpu count, MiB of ram, GiB of storage
 * @param source {@code provider}, {@code agent} or {@code simulator}
 */
public record ShownSize(Size size, String source) {
    public static final String AGENT = "agent";
    private static final String PROVIDER = "provider";

    /**
     * @param fromInstanceApi the instance API's size and its source, when it answered
     * @param reported        the instance's latest value of every type it reported
     */
    public static Optional<ShownSize> of(Optional<SourcedSize> fromInstanceApi, Map<String, Double> reported) {
        Optional<ShownSize> answered = fromInstanceApi.map(s -> new ShownSize(s.size(), s.source()));
        if (answered.isPresent() && answered.get().source().equals(PROVIDER)) {
            return answered;
        }
        Double cpus = reported.get(SizeReports.type(Component.CPU));
        Double ram = reported.get(SizeReports.type(Component.RAM));
        Double storage = reported.get(SizeReports.type(Component.STORAGE));
        if (cpus == null || ram == null || storage == null) {
            return answered;
        }
        return Optional.of(new ShownSize(new Size(Math.round(cpus), Math.round(ram), Math.round(storage)), AGENT));
    }
}
