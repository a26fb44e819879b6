package io.scalemanager.instanceapi.provider.libvirt;

import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.ProviderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resizes libvirt domains through one long-lived virsh session: cpu with {@code setvcpus}, ram with
 * {@code setmem}, storage with {@code blockresize} on the configured disk. It never goes above the domain's
 * configured maximum of vcpus. A change is made live and in the persistent config when the domain runs; vcpus
 * above the live maximum (but within the config maximum) and memory above the running domain's maximum memory
 * ({@code setmaxmem --config}) are set in the config only and take effect at the next restart: the note says
 * a {@link ResizeResult.NeedsRestart}, or, with {@link RestartPolicy#NEVER}, the change is refused before anything is
 * changed. Storage only grows: shrinking a disk under a file system destroys data.
 */
public final class LibvirtProvider implements Provider, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LibvirtProvider.class);
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,254}");
    private static final long KIB_PER_MIB = 1024;
    private static final long BYTES_PER_GIB = 1024L * 1024 * 1024;

    private final LibvirtSettings settings;
    private final VirshSession virsh;

    public LibvirtProvider(LibvirtSettings settings) {
        this.settings = settings;
        this.virsh = new VirshSession(settings.virsh(), settings.uri(), settings.timeout());
    }

    /** What libvirt says of a domain, in libvirt's units. */
    record DomainInfo(boolean running, long vcpus, long maxVcpusLive, long maxVcpusConfig, long memoryKib,
                      long maxMemoryKib) {
    }

    @Override
    public Optional<Size> currentSize(String instance) {
        String domain = domainOf(instance);
        Optional<DomainInfo> info = info(domain);
        if (info.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Size(info.get().vcpus(), info.get().memoryKib() / KIB_PER_MIB, storageGib(domain)));
    }

    @Override
    public ResizeResult.Made resize(String instance, Component component, long newValue, RestartPolicy restart) {
        String domain = domainOf(instance);
        DomainInfo info = info(domain).orElseThrow(() ->
                new ProviderException("libvirt domain '" + domain + "' does not exist on " + settings.uri()));
        ResizeResult.Made how = switch (component) {
            case CPU -> setVcpus(domain, info, newValue, restart);
            case RAM -> setMemory(domain, info, newValue, restart);
            case STORAGE -> growDisk(domain, newValue);
        };
        log.info("libvirt {}: {} set to {} {} ({})", domain, component, newValue, component.unit(), how.note());
        return how;
    }

    private ResizeResult.Made setVcpus(String domain, DomainInfo info, long vcpus, RestartPolicy restart) {
        if (vcpus > info.maxVcpusConfig()) {
            throw new ProviderException("cpu " + vcpus + " is above the maximum of domain '" + domain + "' ("
                    + info.maxVcpusConfig() + " vcpus); raise it with 'virsh setvcpus " + domain
                    + " N --maximum --config' and restart the domain");
        }
        if (!info.running()) {
            check(virsh.run("setvcpus", domain, Long.toString(vcpus), "--config"), "setvcpus");
            return new ResizeResult.Applied("config only: the domain is not running");
        }
        if (vcpus > info.maxVcpusLive()) {
            if (restart == RestartPolicy.NEVER) {
                throw new ProviderException("cpu " + vcpus + " is above the live maximum of domain '" + domain + "' ("
                        + info.maxVcpusLive() + " vcpus) and would need a restart, which the rule does not allow "
                        + "(restart: never); nothing was changed");
            }
            check(virsh.run("setvcpus", domain, Long.toString(vcpus), "--config"), "setvcpus");
            return ResizeResult.NeedsRestart.because("above the live maximum of " + info.maxVcpusLive() + " vcpus");
        }
        check(virsh.run("setvcpus", domain, Long.toString(vcpus), "--live", "--config"), "setvcpus");
        return new ResizeResult.Applied("live");
    }

    private ResizeResult.Made setMemory(String domain, DomainInfo info, long mib, RestartPolicy restart) {
        long kib = Math.multiplyExact(mib, KIB_PER_MIB);
        if (kib > info.maxMemoryKib() && info.running()) {
            if (restart == RestartPolicy.NEVER) {
                throw new ProviderException("ram " + mib + " MiB is above the maximum memory of running domain '"
                        + domain + "' (" + info.maxMemoryKib() / KIB_PER_MIB + " MiB) and would need a restart, "
                        + "which the rule does not allow (restart: never); nothing was changed");
            }
            // The live maximum of a running domain cannot grow: raise it and the size in the config for the next boot.
            check(virsh.run("setmaxmem", domain, Long.toString(kib), "--config"), "setmaxmem");
            check(virsh.run("setmem", domain, Long.toString(kib), "--config"), "setmem");
            return ResizeResult.NeedsRestart.because("above the live maximum memory of " + info.maxMemoryKib() / KIB_PER_MIB
                    + " MiB");
        }
        if (kib > info.maxMemoryKib()) {
            // Shut off: the maximum may be raised in the config, and the new size applies at the next start.
            check(virsh.run("setmaxmem", domain, Long.toString(kib), "--config"), "setmaxmem");
        }
        // libvirt refuses --live and --config in one setmem call.
        if (info.running()) {
            check(virsh.run("setmem", domain, Long.toString(kib), "--live"), "setmem");
        }
        check(virsh.run("setmem", domain, Long.toString(kib), "--config"), "setmem");
        return new ResizeResult.Applied(info.running() ? "live" : "config only: the domain is not running");
    }

    private ResizeResult.Made growDisk(String domain, long gib) {
        String disk = settings.disk().orElseThrow(() -> new ProviderException(
                "storage of '" + domain + "' cannot be changed: no 'disk' is configured for this libvirt provider"));
        long current = storageGib(domain);
        if (gib < current) {
            throw new ProviderException("storage of '" + domain + "' can only grow (" + current + " GiB now, "
                    + gib + " GiB asked): shrinking a disk under a file system destroys data");
        }
        check(virsh.run("blockresize", domain, disk, gib + "G"), "blockresize");
        return new ResizeResult.Applied("live; grow the file system inside the guest");
    }

    private Optional<DomainInfo> info(String domain) {
        VirshSession.Result dominfo = virsh.run("dominfo", domain);
        if (dominfo.failed()) {
            if (isUnknownDomain(dominfo.error())) {
                return Optional.empty();
            }
            throw new ProviderException("virsh dominfo " + domain + " failed: " + dominfo.error());
        }
        Map<String, String> fields = fields(dominfo.output(), ":");
        VirshSession.Result count = virsh.run("vcpucount", domain);
        if (count.failed()) {
            throw new ProviderException("virsh vcpucount " + domain + " failed: " + count.error());
        }
        Map<String, String> counts = vcpuCounts(count.output());
        boolean running = "running".equals(fields.get("State"));
        long vcpus = number(fields, "CPU(s)", domain);
        long maxConfig = counts.containsKey("maximum config") ? number(counts, "maximum config", domain) : vcpus;
        long maxLive = counts.containsKey("maximum live") ? number(counts, "maximum live", domain) : maxConfig;
        return Optional.of(new DomainInfo(running, vcpus, maxLive, maxConfig,
                kib(fields, "Used memory", domain), kib(fields, "Max memory", domain)));
    }

    private long storageGib(String domain) {
        if (settings.disk().isEmpty()) {
            return 0;
        }
        VirshSession.Result r = virsh.run("domblkinfo", domain, settings.disk().get());
        if (r.failed()) {
            throw new ProviderException("virsh domblkinfo " + domain + " " + settings.disk().get() + " failed: "
                    + r.error());
        }
        return number(fields(r.output(), ":"), "Capacity", domain) / BYTES_PER_GIB;
    }

    private String domainOf(String instance) {
        String domain = settings.domain().replace("{instance}", instance);
        if (!DOMAIN.matcher(domain).matches()) {
            throw new ProviderException("instance '" + instance + "' does not map to a valid libvirt domain name");
        }
        return domain;
    }

    private static boolean isUnknownDomain(String error) {
        return error.contains("failed to get domain") || error.contains("Domain not found")
                || error.contains("domain not found");
    }

    private static void check(VirshSession.Result r, String command) {
        if (r.failed()) {
            throw new ProviderException("virsh " + command + " failed: " + r.error());
        }
    }

    private static Map<String, String> fields(String output, String separator) {
        Map<String, String> fields = new HashMap<>();
        for (String line : output.split("\n")) {
            int at = line.indexOf(separator);
            if (at > 0) {
                fields.put(line.substring(0, at).trim(), line.substring(at + 1).trim());
            }
        }
        return fields;
    }

    /** {@code vcpucount} prints lines like {@code maximum      config         2}. */
    private static Map<String, String> vcpuCounts(String output) {
        Map<String, String> counts = new HashMap<>();
        for (String line : output.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3) {
                counts.put(parts[0] + " " + parts[1], parts[2]);
            }
        }
        return counts;
    }

    private static long kib(Map<String, String> fields, String key, String domain) {
        String text = fields.getOrDefault(key, "").replace("KiB", "").trim();
        return parse(text, key, domain);
    }

    private static long number(Map<String, String> fields, String key, String domain) {
        return parse(fields.getOrDefault(key, "").trim(), key, domain);
    }

    private static long parse(String text, String key, String domain) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ProviderException("virsh printed no '" + key + "' for domain '" + domain + "' (got '" + text
                    + "')");
        }
    }

    /** The session, for tests that set up the domain over the same connection. */
    VirshSession virsh() {
        return virsh;
    }

    @Override
    public void close() {
        virsh.close();
    }
}
