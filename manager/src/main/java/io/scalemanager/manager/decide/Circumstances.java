package io.scalemanager.manager.decide;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.manager.pause.Pause;
import io.scalemanager.manager.rules.Rule;

/**
 * What the {@link Decider} asks of the world beside the window: pauses, blocks, sizes and limits. The manager
 * answers from what it knows of the ActionLog and the pauses; a backtest answers from its simulated ActionLog and
 * sizes, so both run the same decision code. Answers are null when there is nothing to say, because this is asked
 * for every rule on every event.
 */
public interface Circumstances {

    /** The pause covering the rule on the instance at nowMs, or null. */
    Pause pauseOf(String instance, Rule rule, long nowMs);

    /**
     * What blocks the change (its component, in its direction) on the instance at nowMs, or null when nothing is
     * known to. For a dry-run rule ({@code dryRun}), the shadow cooldowns of dry runs count too; for a live rule
     * they never do.
     */
    Block blockOf(String instance, Change change, boolean dryRun, long nowMs);

    /** What keeps an alert rule quiet on the instance (it was raised within its cooldown), or null. */
    Block alertQuiet(String instance, Rule rule, long nowMs);

    /** The instance's size when known, else null (then the action finds it, as the command executor does). */
    Size sizeOf(String instance);

    Limits limits();

    /** Whether the rule runs dry: its own {@code dry_run}, or manager.dry_run. */
    boolean dryRun(Rule rule);
}
