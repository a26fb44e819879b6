package io.scalemanager.instanceapi.provider;

import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;
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
     * @param restart whether the change may be one that takes effect only at the next restart; with
     *                {@link RestartPolicy#NEVER} a provider that would have to store it for a restart refuses it
     *                (a {@link ProviderException}) before changing anything
     * @return how the change took effect, for people ("live", "config only, needs a restart: ..."), or null
     *         when there is nothing to add; shown as the operation's {@code note}. A change that waits for a
     *         restart returns a note beginning with {@link #NEEDS_RESTART}: that is the result the manager acts on
     * @throws ProviderException with a message meant for people when the change was not made
     */
    String resize(String instance, Component component, long newValue, RestartPolicy restart);

    /** A resize that may take effect at the next restart. */
    default String resize(String instance, Component component, long newValue) {
        return resize(instance, component, newValue, RestartPolicy.ALLOWED);
    }

    /**
     * How a note begins when the change is stored but takes effect at the instance's next restart: the operation
     * then says {@code needs_restart: true}, and the manager holds the component's lock until the VM shows the size.
     */
    String NEEDS_RESTART = "config only, needs a restart";

    /** A note saying the change waits for the next restart, and why ({@code detail}). */
    static String needsRestartNote(String detail) {
        return NEEDS_RESTART + ": " + detail;
    }

    /**
     * Where this provider's sizes come from, as the API shows it: {@code provider} for a real environment,
     * {@code simulator} for sizes the built-in simulator made up, so nobody takes them for a machine's.
     */
    default String sizeSource(String instance) {
        return "provider";
    }
}
