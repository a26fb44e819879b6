package io.scalemanager.server.cli;

import io.scalemanager.manager.rules.FlapCheck;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetException;
import io.scalemanager.manager.rules.RulesetParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code scalemanager rules validate FILE}: exit 0 when the ruleset is valid (with a {@code warning:} line for each
 * pair of rules that would flap), 1 with its errors when not. {@code rules backtest}: {@link BacktestCommand}.
 */
@Command(name = "rules", description = "Work with rulesets.", subcommands = {RulesCommand.Validate.class, BacktestCommand.class},
        mixinStandardHelpOptions = true)
public final class RulesCommand {

    @Command(name = "validate", description = "Check a ruleset; errors name the rule and the line.",
            mixinStandardHelpOptions = true)
    static final class Validate implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the rules file")
        Path file;

        @Override
        public Integer call() {
            try {
                Ruleset ruleset = RulesetParser.parse(file);
                for (FlapCheck.Flap flap : FlapCheck.find(ruleset)) {
                    System.out.println("warning: " + file + ":" + flap.line() + ": " + flap.message());
                }
                int n = ruleset.rules().size();
                System.out.println(file + ": valid, " + n + (n == 1 ? " rule" : " rules"));
                return 0;
            } catch (RulesetException e) {
                System.err.println(e.getMessage());
                return 1;
            } catch (IOException e) {
                System.err.println(file + ": cannot read: " + e.getMessage());
                return 1;
            }
        }
    }
}
