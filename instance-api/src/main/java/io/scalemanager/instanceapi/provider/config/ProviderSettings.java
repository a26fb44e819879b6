package io.scalemanager.instanceapi.provider.config;

import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.exec.ExecProvider;
import io.scalemanager.instanceapi.provider.exec.ExecSettings;
import io.scalemanager.instanceapi.provider.http.HttpProvider;
import io.scalemanager.instanceapi.provider.http.HttpProviderSettings;
import io.scalemanager.instanceapi.provider.libvirt.LibvirtProvider;
import io.scalemanager.instanceapi.provider.libvirt.LibvirtSettings;

import java.util.function.Supplier;

/**
 * What one route of the providers file asks for, one case per provider type; each case builds its provider, so
 * a new type is a new case here and the compiler finds every place that must learn it. (The settings records
 * stay in their providers' packages: a sealed type may only permit classes of its own package outside JPMS.)
 */
sealed interface ProviderSettings {

    /** The provider, created without connecting to anything; {@code tls}: what its https calls trust. */
    Provider create(Supplier<Provider> simulator, ClientTls tls);

    /** Type {@code libvirt}. */
    record Libvirt(LibvirtSettings settings) implements ProviderSettings {
        @Override
        public Provider create(Supplier<Provider> simulator, ClientTls tls) {
            return new LibvirtProvider(settings);
        }
    }

    /** Type {@code http}. */
    record Http(HttpProviderSettings settings) implements ProviderSettings {
        @Override
        public Provider create(Supplier<Provider> simulator, ClientTls tls) {
            return new HttpProvider(settings, tls);
        }
    }

    /** Type {@code exec}. */
    record Exec(ExecSettings settings) implements ProviderSettings {
        @Override
        public Provider create(Supplier<Provider> simulator, ClientTls tls) {
            return new ExecProvider(settings);
        }
    }

    /** Type {@code simulator}: the process's one simulator, configured by the server's {@code simulator.*} keys. */
    record Simulator() implements ProviderSettings {
        @Override
        public Provider create(Supplier<Provider> simulator, ClientTls tls) {
            return simulator.get();
        }
    }
}
