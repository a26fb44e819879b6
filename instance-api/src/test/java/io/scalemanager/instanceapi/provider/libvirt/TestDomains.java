package io.scalemanager.instanceapi.provider.libvirt;

/**
 * What an operator does to a domain of libvirt's test driver, done over the provider's own connection: the test
 * driver keeps its state per connection, so another virsh process would see a fresh domain. For tests of other
 * modules (instance-api's test-jar).
 */
public final class TestDomains {
    private TestDomains() {
    }

    /** {@code virsh setvcpus DOMAIN N --maximum --config}: more vcpus after the next restart, not now. */
    public static void raiseConfigMaximum(LibvirtProvider provider, String domain, int vcpus) {
        run(provider, "setvcpus", domain, Integer.toString(vcpus), "--maximum", "--config");
    }

    /** A restart ({@code destroy}, {@code start}): the domain comes back with its stored config. */
    public static void restart(LibvirtProvider provider, String domain) {
        run(provider, "destroy", domain);
        run(provider, "start", domain);
    }

    /** The vcpus the domain's stored config gives it. */
    public static int configVcpus(LibvirtProvider provider, String domain) {
        return Integer.parseInt(run(provider, "vcpucount", domain, "--current", "--config").output().strip());
    }

    private static VirshSession.Result run(LibvirtProvider provider, String... args) {
        VirshSession.Result r = provider.virsh().run(args);
        if (r.failed()) {
            throw new AssertionError("virsh " + String.join(" ", args) + " failed: " + r.error());
        }
        return r;
    }
}
