package io.scalemanager.server.wiring;

import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.ProviderRouter;
import io.scalemanager.instanceapi.provider.config.ProvidersException;
import io.scalemanager.instanceapi.provider.config.ProvidersFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/** Reads the providers file named by config key {@code providers}, turning its errors into start-up errors. */
final class ProviderWiring {
    private static final Logger log = LoggerFactory.getLogger(ProviderWiring.class);

    private ProviderWiring() {
    }

    /** @param tls what the http providers trust over https ({@link ServerSettings#outsideTls}) */
    static ProviderRouter load(Path file, Provider simulator, ClientTls tls) {
        try {
            ProviderRouter router = ProvidersFile.load(file, System.getenv(), () -> simulator, tls);
            for (ProviderRouter.Route r : router.routes()) {
                log.info("Instances '{}' are resized by provider {}", r.pattern().text(), r.name());
            }
            return router;
        } catch (IOException e) {
            throw new StartupException("config key 'providers': cannot read " + file + ": " + e.getMessage());
        } catch (ProvidersException e) {
            throw new StartupException("config key 'providers': the providers file is invalid:\n" + e.getMessage());
        }
    }
}
