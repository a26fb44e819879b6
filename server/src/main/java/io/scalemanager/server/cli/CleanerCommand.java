package io.scalemanager.server.cli;

import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.server.config.ConfigException;
import io.scalemanager.server.wiring.CleanerProcess;
import io.scalemanager.server.wiring.StartupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code scalemanager cleaner [--once] [--dry-run] [--partition]}: archive old rows and resolve stuck actions. */
@Command(name = "cleaner", mixinStandardHelpOptions = true,
        description = "Archive old EventLog and ActionLog rows in chunks and finish stuck actions; "
                + "runs on its schedule (cleaner.interval) unless --once.")
final class CleanerCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Option(names = "--once", description = "run once and exit (for cron)")
    boolean once;

    @Option(names = "--dry-run", description = "print what one run would do and change nothing (implies --once)")
    boolean dryRun;

    @Option(names = "--partition", description = "MariaDB/MySQL: partition the EventLog and its archive by arrival "
            + "time, once (copies both tables; see docs/operations.md, Cleaner), then exit")
    boolean partition;

    @Override
    public Integer call() {
        if (partition) {
            try (CleanerProcess cleaner = CleanerProcess.open(options.load())) {
                cleaner.partition(System.out);
                return 0;
            } catch (ConfigException | StartupException | DatabaseException | IllegalStateException e) {
                System.err.println("scalemanager: " + e.getMessage());
                return 2;
            }
        }
        if (!once && !dryRun) {
            return Launch.untilStopped(options, () -> CleanerProcess.open(options.load()).start());
        }
        try (CleanerProcess cleaner = CleanerProcess.open(options.load())) {
            cleaner.runOnce(dryRun, System.out);
            return 0;
        } catch (ConfigException | StartupException | DatabaseException e) {
            System.err.println("scalemanager: " + e.getMessage());
            return 2;
        }
    }
}
