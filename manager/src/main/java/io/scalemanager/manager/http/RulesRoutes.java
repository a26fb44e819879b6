package io.scalemanager.manager.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.config.RoutesConfig;
import io.scalemanager.core.yaml.YamlError;
import io.javalin.http.Context;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.Routes;
import io.scalemanager.manager.reload.RulesReloader;
import io.scalemanager.manager.rules.CurrentRuleset;
import io.scalemanager.manager.rules.Rule;

import java.util.ArrayList;
import java.util.List;

/** The ruleset in use: {@code GET /v1/rules}, and {@code POST /v1/rules/reload} (token-protected). */
public final class RulesRoutes implements Routes {
    private final CurrentRuleset rulesets;
    private final RulesReloader reloader;

    public RulesRoutes(CurrentRuleset rulesets, RulesReloader reloader) {
        this.rulesets = rulesets;
        this.reloader = reloader;
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        routes.get("/v1/rules", this::rules);
        routes.post("/v1/rules/reload", this::reload);
    }

    record RuleView(String name, String instances, String when, @JsonProperty("for") String forDuration,
                    String then, String cooldown, @JsonProperty("dry_run") boolean dryRun, boolean enabled,
                    int line) {
        static RuleView of(Rule r) {
            return new RuleView(r.name(), r.instances().text(), r.when().describe(),
                    DurationText.format(r.forDuration()), r.then().describe(), DurationText.format(r.cooldown()),
                    r.dryRun(), r.enabled(), r.line());
        }
    }

    record RulesView(String hash, @JsonProperty("loaded_at") Number loadedAt, List<RuleView> rules) {
    }

    record Reloaded(int rules, String hash) {
    }

    record ErrorDetail(int line, String rule, String message) {
    }

    record Refused(String error, List<ErrorDetail> details) {
    }

    /** The rule's name from an error's subject ({@code rule 'ram-up'}); null for errors outside a rule. */
    static String ruleOf(String subject) {
        if (subject != null && subject.startsWith("rule '") && subject.endsWith("'")) {
            return subject.substring(6, subject.length() - 1);
        }
        return null;
    }

    private void rules(Context ctx) {
        CurrentRuleset.Loaded loaded = rulesets.loaded();
        List<RuleView> rules = new ArrayList<>();
        for (Rule r : loaded.ruleset().rules()) {
            rules.add(RuleView.of(r));
        }
        ctx.json(new RulesView(loaded.hash(), EpochSeconds.fromMillis(loaded.loadedAtMs()), rules));
    }

    private void reload(Context ctx) {
        RulesReloader.Result result = reloader.reload();
        if (result instanceof RulesReloader.Result.Reloaded r) {
            ctx.json(new Reloaded(r.loaded().ruleset().rules().size(), r.loaded().hash()));
        } else {
            RulesReloader.Result.Refused refused = (RulesReloader.Result.Refused) result;
            List<ErrorDetail> details = new ArrayList<>();
            for (YamlError e : refused.errors()) {
                details.add(new ErrorDetail(e.line(), ruleOf(e.subject()), e.message()));
            }
            ctx.status(422).json(new Refused(refused.message(), details));
        }
    }
}
