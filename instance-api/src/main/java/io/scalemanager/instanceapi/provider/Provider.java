package io.scalemanager.instanceapi.provider;

import io.scalemanager.core.operation.ResizeResult;
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
     * @return how the change took effect: {@link ResizeResult.Applied} (with words for people such as "live", or
     *         null), or {@link ResizeResult.NeedsRestart} when it is stored and takes effect at the next restart:
     *         that kind is what the manager acts on (it keeps the component locked until the VM shows the size)
     * @throws ProviderException with a message meant for people when the change was not made
     */
    ResizeResult.Made resize(String instance, Component component, long newValue, RestartPolicy restart);

    /** A resize that may take effect at the next restart. */
    default ResizeResult.Made resize(String instance, Component component, long newValue) {
        return resize(instance, component, newValue, RestartPolicy.ALLOWED);
    }

    /**
     * Where this provider's sizes come from, as the API shows it: {@code provider} for a real environment,
     * {@code simulator} for sizes the built-in simulator made up, so nobody takes them for a machine's.
     */
    default String sizeSource(String instance) {
        return "provider";
    }
}
