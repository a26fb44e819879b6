package io.scalemanager.instanceapi.provider.libvirt;

import org.junit.jupiter.api.condition.EnabledIf;
import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.instanceapi.provider.ProviderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Against libvirt's own test driver: one connection per provider, so changes are visible to later reads. The
 * driver's domain {@code test} runs with 2 vcpus (maximum 2), 2048 MiB of 8192 MiB, and disk vda of ~1 TiB.
 */
@EnabledIf(value = "io.scalemanager.core.process.Installed#virsh",
        disabledReason = "needs virsh: apt-get install libvirt-clients (.ci/run does)")
class LibvirtProviderTest {
    private final LibvirtProvider provider = new LibvirtProvider(new LibvirtSettings("test:///default",
            "{instance}", Optional.of("vda"), "virsh", Duration.ofSeconds(20)));

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void readsTheSizeOfTheTestDomain() {
        assertThat(provider.currentSize("test")).contains(new Size(2, 2048, 1023));
    }

    @Test
    void cpuGoesDownAndUpAndIsReadBackInTheSameConnection() {
        assertThat(provider.resize("test", Component.CPU, 1)).isEqualTo(new ResizeResult.Applied("live"));
        assertThat(provider.currentSize("test")).map(Size::cpu).contains(1L);
        assertThat(provider.resize("test", Component.CPU, 2)).isEqualTo(new ResizeResult.Applied("live"));
        assertThat(provider.currentSize("test")).map(Size::cpu).contains(2L);
    }

    @Test
    void ramGoesDownAndUpAndIsReadBackInTheSameConnection() {
        provider.resize("test", Component.RAM, 1024);
        assertThat(provider.currentSize("test")).map(Size::ram).contains(1024L);
        provider.resize("test", Component.RAM, 6144);
        assertThat(provider.currentSize("test")).map(Size::ram).contains(6144L);
    }

    @Test
    void cpuAboveTheLiveButWithinTheConfigMaximumIsSetInTheConfigAndNeedsARestart() {
        assertThat(provider.virsh().run("setvcpus", "test", "4", "--maximum", "--config").failed()).isFalse();
        assertThat(provider.resize("test", Component.CPU, 3))
                .isEqualTo(new ResizeResult.NeedsRestart("config only, needs a restart: above the live maximum of 2 vcpus"));
        assertThat(provider.currentSize("test")).map(Size::cpu).contains(2L);
        assertThat(provider.virsh().run("vcpucount", "test", "--current", "--config").output()).isEqualTo("3");
    }

    @Test
    void cpuAboveTheDomainsMaximumFailsAndChangesNothing() {
        assertThatThrownBy(() -> provider.resize("test", Component.CPU, 3))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("above the maximum of domain 'test' (2 vcpus)");
        assertThat(provider.currentSize("test")).map(Size::cpu).contains(2L);
    }

    @Test
    void cpuAboveTheLiveMaximumIsRefusedUnchangedWhenTheRuleAllowsNoRestart() {
        assertThat(provider.virsh().run("setvcpus", "test", "4", "--maximum", "--config").failed()).isFalse();
        assertThatThrownBy(() -> provider.resize("test", Component.CPU, 3, RestartPolicy.NEVER))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("above the live maximum of domain 'test' (2 vcpus) and would need a restart");
        assertThat(provider.virsh().run("vcpucount", "test", "--current", "--config").output()).isEqualTo("2");
        assertThat(provider.currentSize("test")).map(Size::cpu).contains(2L);
    }

    @Test
    void ramAboveTheRunningDomainsMaximumIsStoredForTheNextRestart() {
        assertThat(provider.resize("test", Component.RAM, 10240))
                .isEqualTo(ResizeResult.NeedsRestart.because("above the live maximum memory of 8192 MiB"));
        assertThat(provider.currentSize("test")).map(Size::ram).contains(2048L);
        // The restart: the domain comes back with the stored size.
        assertThat(provider.virsh().run("destroy", "test").failed()).isFalse();
        assertThat(provider.virsh().run("start", "test").failed()).isFalse();
        assertThat(provider.currentSize("test")).map(Size::ram).contains(10240L);
    }

    @Test
    void ramAboveTheDomainsMaximumIsRefusedUnchangedWhenTheRuleAllowsNoRestart() {
        assertThatThrownBy(() -> provider.resize("test", Component.RAM, 8193, RestartPolicy.NEVER))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("above the maximum memory of running domain 'test' (8192 MiB)",
                        "restart: never");
        assertThat(provider.virsh().run("dumpxml", "test", "--inactive").output()).contains("8388608");
        assertThat(provider.currentSize("test")).map(Size::ram).contains(2048L);
    }

    @Test
    void unknownDomainHasNoSizeAndCannotBeResized() {
        assertThat(provider.currentSize("no-such-domain")).isEmpty();
        assertThatThrownBy(() -> provider.resize("no-such-domain", Component.CPU, 1))
                .hasMessageContaining("libvirt domain 'no-such-domain' does not exist on test:///default");
    }

    @Test
    void storageNeverShrinks() {
        assertThatThrownBy(() -> provider.resize("test", Component.STORAGE, 100))
                .hasMessageContaining("can only grow (1023 GiB now, 100 GiB asked)");
    }

    @Test
    void storageGrowthThatLibvirtRefusesFailsWithLibvirtsReason() {
        // The test driver implements no blockresize: the error must say so rather than pretend success.
        assertThatThrownBy(() -> provider.resize("test", Component.STORAGE, 2000))
                .hasMessageContaining("virsh blockresize failed")
                .hasMessageContaining("not supported");
    }

    @Test
    void domainIsFoundByUuidToo() {
        assertThat(provider.currentSize("6695eb01-f6a4-8304-79aa-97f2502e193f")).map(Size::cpu).contains(2L);
    }

    @Test
    void instanceThatWouldBeAVirshOptionIsRefusedBeforeVirshRuns() {
        assertThatThrownBy(() -> provider.currentSize("--all"))
                .hasMessageContaining("does not map to a valid libvirt domain name");
    }

    @Test
    void virshThatCannotConnectIsAnErrorNotAnUnknownInstance() {
        try (LibvirtProvider broken = new LibvirtProvider(new LibvirtSettings("test:///nonexistent/node.xml",
                "{instance}", Optional.empty(), "virsh", Duration.ofSeconds(20)))) {
            assertThatThrownBy(() -> broken.currentSize("test")).isInstanceOf(ProviderException.class);
        }
    }
}
