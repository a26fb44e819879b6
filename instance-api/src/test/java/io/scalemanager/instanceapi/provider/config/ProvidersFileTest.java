package io.scalemanager.instanceapi.provider.config;

import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.yaml.YamlError;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.ProviderException;
import io.scalemanager.instanceapi.provider.ProviderRouter;
import io.scalemanager.instanceapi.provider.exec.ExecProvider;
import io.scalemanager.instanceapi.provider.http.HttpProvider;
import io.scalemanager.instanceapi.provider.libvirt.LibvirtProvider;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProvidersFileTest {
    private static final Provider SIMULATOR = new Provider() {
        @Override
        public Optional<Size> currentSize(String instance) {
            return Optional.of(new Size(1, 1024, 10));
        }

        @Override
        public ResizeResult.Made resize(String instance, Component component, long newValue,
                                        io.scalemanager.core.sizing.RestartPolicy restart) {
            return new ResizeResult.Applied(null);
        }
    };

    private static ProviderRouter parse(String yaml, Map<String, String> env) throws ProvidersException {
        return ProvidersFile.parse(yaml, "providers.yaml", env, () -> SIMULATOR, ClientTls.SYSTEM);
    }

    @Test
    void shippedExampleIsValidAndRoutesByFirstMatchingGlob() throws Exception {
        ProviderRouter router = ProvidersFile.load(Path.of("../config/providers.example.yaml"),
                Map.of("HOSTER_CLIENT_SECRET", "x"), () -> SIMULATOR, ClientTls.SYSTEM);
        assertThat(router.routes()).extracting(ProviderRouter.Route::name)
                .containsExactly("kvm-local", "hoster", "lab-scripts", "simulator *");
        assertThat(router.routeFor("kvm-7").orElseThrow().provider()).isInstanceOf(LibvirtProvider.class);
        assertThat(router.routeFor("10.0.0.5").orElseThrow().provider()).isInstanceOf(HttpProvider.class);
        assertThat(router.routeFor("lab-1").orElseThrow().provider()).isInstanceOf(ExecProvider.class);
        assertThat(router.routeFor("web-1").orElseThrow().provider()).isSameAs(SIMULATOR);
        router.close();
    }

    @Test
    void instanceNoRouteMatchesIsUnknownAndCannotBeResized() throws Exception {
        ProviderRouter router = parse("providers:\n  - instances: \"web-*\"\n    type: simulator\n", Map.of());
        assertThat(router.currentSize("db-1")).isEmpty();
        assertThat(router.currentSize("web-1")).contains(new Size(1, 1024, 10));
        assertThatThrownBy(() -> router.resize("db-1", Component.CPU, 2)).isInstanceOf(ProviderException.class)
                .hasMessage("no provider is configured for instance 'db-1'");
    }

    @Test
    void unsetEnvironmentVariableIsNamedWithFileLineAndKeyButNoValueIsShown() {
        String yaml = """
                providers:
                  - instances: "*"
                    type: http
                    base_url: http://127.0.0.1:9/v1
                    auth:
                      type: bearer
                      token: ${HOSTER_TOKEN}
                    size: {path: "/servers/{id}", cpu: /cpu, ram: /ram, storage: /disk}
                    resize: {path: "/servers/{id}", body: {cpu: "{cpu}"}}
                """;
        assertThatThrownBy(() -> parse(yaml, Map.of()))
                .isInstanceOf(ProvidersException.class)
                .hasMessage("providers.yaml:7: providers[1].auth: 'token' needs environment variable HOSTER_TOKEN, which is "
                        + "not set; set it before starting, or write the value here");
    }

    @Test
    void secretValuesNeverAppearInErrors() {
        String yaml = """
                providers:
                  - type: http
                    base_url: ${SECRET}
                    size: {path: "/x", cpu: /cpu, ram: /ram, storage: /disk}
                    resize: {path: "/x"}
                """;
        assertThatThrownBy(() -> parse(yaml, Map.of("SECRET", "hunter2")))
                .hasMessage("providers.yaml:3: providers[1]: 'base_url' must be an http or https URL like "
                        + "https://api.example.com/v1")
                .message().doesNotContain("hunter2");
    }

    @Test
    void badValueFromTheEnvironmentIsNotShown() {
        String yaml = "providers:\n  - type: libvirt\n    uri: test:///default\n    timeout: ${T}\n";
        assertThatThrownBy(() -> parse(yaml, Map.of("T", "hunter2")))
                .hasMessage("providers.yaml:4: providers[1]: 'timeout' must be a duration above zero like 500ms, 10s "
                        + "or 2m, got a value from the environment");
    }

    @Test
    void everyErrorIsReportedWithItsLineAndKey() {
        String yaml = """
                providers:
                  - instances: "web-*"
                    type: libvirt
                    url: qemu:///system
                  - instances: "lab-*"
                    type: exec
                    size_command: "/bin/size {instance}"
                    resize_command: ["/bin/set", "{instance}", "{password}"]
                    timeout: soon
                  - instances: "a b"
                    type: cloud
                """;
        assertThatThrownBy(() -> parse(yaml, Map.of()))
                .isInstanceOf(ProvidersException.class)
                .satisfies(e -> assertThat(((ProvidersException) e).errors()).extracting(YamlError::toString)
                        .containsExactly(
                        "providers.yaml:2: providers[1]: missing 'uri' (a libvirt URI like qemu:///system)",
                        "providers.yaml:4: providers[1]: unknown key 'url'; expected one of "
                                + "disk, domain, instances, name, timeout, type, uri, virsh",
                        "providers.yaml:7: providers[2]: 'size_command' must be a non-empty list of arguments like "
                                + "[\"/path/to/program\", \"{instance}\"] (no shell runs it), got "
                                + "\"/bin/size {instance}\"",
                        "providers.yaml:8: providers[2]: 'resize_command' has an unknown placeholder {password}; "
                                + "allowed here: {component}, {from}, {instance}, {to}, {unit}",
                        "providers.yaml:9: providers[2]: 'timeout' must be a duration above zero like 500ms, 10s "
                                + "or 2m, got \"soon\"",
                        "providers.yaml:11: providers[3]: 'type' must be one of libvirt, http, exec, simulator, "
                                + "got \"cloud\""));
    }

    @Test
    void brokenYamlNamesTheLine() {
        assertThatThrownBy(() -> parse("providers:\n  - type: libvirt\n    uri: [unclosed\n", Map.of()))
                .hasMessageStartingWith("providers.yaml:4: not valid YAML");
    }
}
