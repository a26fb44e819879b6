package io.scalemanager.manager.decide;

import io.scalemanager.core.sizing.Component;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The shadow cooldowns of dry runs: a dry run that would have resized a component makes the later dry runs of
 * that component on the instance wait the rule's cooldown, as if it had acted, so a dry run records once per
 * cooldown and not once per sample. A schedule's dry run (manager.dry_run, or its own {@code dry_run}) waits
 * its cooldown here too, so rules' and schedules' dry runs of a component hold each other back as their actions
 * would. They block dry runs only, and take no lock. The live manager and a backtest
 * keep them with this one class, so a backtest's dry runs wait exactly as the manager's do.
 */
public final class ShadowCooldowns {
    private record Shadow(String rule, long untilMs) {
    }

    private final ConcurrentHashMap<String, Shadow> shadows = new ConcurrentHashMap<>();

    /**
     * A dry run of the rule (or schedule) acted as if for real at some moment: the component waits until
     * {@code untilMs}.
     */
    public void start(String instance, Component component, String rule, long untilMs) {
        shadows.put(key(instance, component), new Shadow(rule, untilMs));
    }

    /** The shadow cooldown holding the component's dry runs at nowMs, or null. */
    public Block blockOf(String instance, Component component, long nowMs) {
        Shadow shadow = shadows.get(key(instance, component));
        return shadow != null && shadow.untilMs() > nowMs
                ? new Block(Block.Kind.SHADOW_COOLDOWN, null, shadow.rule(), shadow.untilMs()) : null;
    }

    private static String key(String instance, Component component) {
        return instance + '\u0000' + component.wireName();
    }
}
