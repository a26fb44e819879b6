package io.scalemanager.server.cli;

import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.manager.backtest.BacktestJson;
import io.scalemanager.manager.backtest.BacktestReport;
import io.scalemanager.manager.backtest.BacktestTable;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetException;
import io.scalemanager.manager.rules.RulesetParser;
import io.scalemanager.server.config.ConfigException;
import io.scalemanager.server.wiring.BacktestProcess;
import io.scalemanager.server.wiring.StartupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

/**
 * {@code scalemanager rules backtest RULES --from T --to T [--instances GLOB] [--format table|json] [--data DIR]}:
 * replays the recorded events of the range through the ruleset with the manager's decision code and prints what
 * each rule would have done. Exit 0 done, 1 invalid ruleset, 2 bad usage (a time, the file, the database).
 */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = "Replay the EventLog of a time range through a ruleset and print what each rule would have "
                + "done (fired, instances, up, down, flaps, at_limit, alerts; --format json adds every action).")
final class BacktestCommand implements Callable<Integer> {
    private static final String TIME_FORM = "write epoch seconds (1764547200) or ISO-8601 (2025-12-01T00:00:00Z, "
            + "2025-12-01)";

    enum Format { table, json }

    @Parameters(paramLabel = "RULES", description = "the ruleset to try")
    Path rules;

    @Option(names = "--from", required = true, paramLabel = "T", description = "start of the range: " + TIME_FORM)
    String from;

    @Option(names = "--to", required = true, paramLabel = "T", description = "end of the range (exclusive)")
    String to;

    @Option(names = "--instances", paramLabel = "GLOB", description = "only these instances (default *)")
    String instances;

    @Option(names = "--format", paramLabel = "table|json", description = "table (default) or json")
    Format format = Format.table;

    @Option(names = "--data", paramLabel = "DIR", description = "the data directory of the embedded database to "
            + "read (default: the configured database)")
    String data;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file naming the database")
    Path config;

    @Option(names = "--db-url", paramLabel = "URL", description = "JDBC URL of the database to read")
    String dbUrl;

    @Override
    public Integer call() {
        // The result goes to stdout, which the log shares: only warnings and errors are logged (on stderr).
        quietLog();
        long fromMs;
        long toMs;
        InstancePattern pattern;
        try {
            fromMs = time("--from", from);
            toMs = time("--to", to);
            if (toMs <= fromMs) {
                throw new UsageException("--to " + to + " is not after --from " + from);
            }
            pattern = instances == null ? InstancePattern.ANY : glob(instances);
        } catch (UsageException e) {
            return usage(e.getMessage());
        }
        Ruleset ruleset;
        try {
            ruleset = RulesetParser.parse(rules);
        } catch (RulesetException e) {
            System.err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            return usage(rules + ": cannot read: " + e.getMessage());
        }
        ServerOptions options = new ServerOptions();
        options.config = config;
        options.data = data;
        options.dbUrl = dbUrl;
        try (BacktestProcess process = BacktestProcess.open(options.load())) {
            BacktestReport report = process.backtester().run(ruleset, fromMs, toMs, pattern, Long.MAX_VALUE);
            if (format == Format.json) {
                System.out.println(Json.mapper().writeValueAsString(BacktestJson.of(report)));
            } else {
                System.out.print(BacktestTable.format(report));
            }
            return 0;
        } catch (ConfigException | StartupException | DatabaseException e) {
            return usage(e.getMessage());
        } catch (IOException e) {
            return usage("cannot write the result: " + e.getMessage());
        }
    }

    private static void quietLog() {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            ch.qos.logback.core.ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> toStderr =
                    new ch.qos.logback.core.ConsoleAppender<>();
            ch.qos.logback.classic.encoder.PatternLayoutEncoder encoder =
                    new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %-28logger{0} %msg%n");
            encoder.start();
            toStderr.setContext(context);
            toStderr.setTarget("System.err");
            toStderr.setEncoder(encoder);
            toStderr.start();
            root.detachAndStopAllAppenders();
            root.addAppender(toStderr);
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private static int usage(String message) {
        System.err.println("scalemanager rules backtest: " + message);
        return 2;
    }

    /** Epoch seconds (fractions allowed), an ISO-8601 instant or offset date-time, or a date (its UTC midnight). */
    static long time(String option, String text) {
        String t = text.strip();
        try {
            if (t.matches("\\d{1,11}(\\.\\d{1,3})?")) {
                return new BigDecimal(t).movePointRight(3).longValueExact();
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            try {
                return Instant.parse(t).toEpochMilli();
            } catch (DateTimeParseException e) {
                return OffsetDateTime.parse(t).toInstant().toEpochMilli();
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new UsageException(option + " '" + text + "' is not a time: " + TIME_FORM);
        }
    }

    private static InstancePattern glob(String text) {
        try {
            return InstancePattern.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--instances '" + text + "' must be " + InstancePattern.FORM);
        }
    }

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
