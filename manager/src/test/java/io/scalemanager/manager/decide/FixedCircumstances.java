package io.scalemanager.manager.decide;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.manager.pause.Pause;
import io.scalemanager.manager.rules.Rule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Circumstances set by a test: pauses, blocks per (instance, component), sizes and limits. */
final class FixedCircumstances implements Circumstances {
    final List<Pause> pauses = new ArrayList<>();
    final Map<String, Block> blocks = new HashMap<>();
    final Map<String, Size> sizes = new HashMap<>();
    Limits limits = Limits.NONE;
    boolean dryRun;

    @Override
    public Pause pauseOf(String instance, Rule rule, long nowMs) {
        for (Pause p : pauses) {
            if (p.covers(instance, rule.name(), nowMs)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public Block blockOf(String instance, Change change, boolean dryRunRule, long nowMs) {
        Block b = blocks.get(instance + "/" + change.component().wireName());
        return b != null && b.untilMs() > nowMs && (dryRunRule || b.kind() != Block.Kind.SHADOW_COOLDOWN) ? b : null;
    }

    @Override
    public Block alertQuiet(String instance, Rule rule, long nowMs) {
        return null;
    }

    @Override
    public Size sizeOf(String instance) {
        return sizes.get(instance);
    }

    @Override
    public Limits limits() {
        return limits;
    }

    @Override
    public boolean dryRun(Rule rule) {
        return dryRun || rule.dryRun();
    }
}
