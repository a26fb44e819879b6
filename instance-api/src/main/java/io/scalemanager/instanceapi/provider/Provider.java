package io.scalemanager.instanceapi.provider;

import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Size;

import java.util.Optional;

/**
 * The environment the instance API changes: a hypervisor, a cloud, a script, or the built-in simulator.
 * Calls may block (the instance API runs resizes on its own threads) and may come from several threads at once.
 */
public interface Provider {

    /**
     * The size the instance has now, or empty when the provider does not know the instance.
     *
     * @throws ProviderException when the environment cannot be asked now
     */
    Optional<Size> currentSize(String instance);

    /**
     * Sets one component of the instance to an absolute value and returns once the change is done. Applying the
     * value the instance already has must be harmless, as an interrupted resize is applied again after a restart.
     *
     * @return how the change took effect, for people ("live", "in the config only, needs a restart"), or null
     *         when there is nothing to add; shown as the operation's {@code note}
     * @throws ProviderException with a message meant for people when the change was not made
     */
    String resize(String instance, Component component, long newValue);

    /**
     * Where this provider's sizes come from, as the API shows it: {@code provider} for a real environment,
     * {@code simulator} for sizes the built-in simulator made up, so nobody takes them for a machine's.
     */
    default String sizeSource(String instance) {
        return "provider";
    }
}
