package io.scalemanager.instanceapi.provider.simulator;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.ProviderException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A provider without an environment: it knows every instance that has reported (and any configured statically),
 * starts each at a default size, and keeps sizes in table {@code simulated_instance} so they survive restarts.
 * A resize takes {@link SimulatorSettings#resizeDelay()} and fails for instances matching the fail pattern or
 * marked with {@link #failNext}.
 */
public final class SimulatorProvider implements Provider {
    private final Database database;
    private final SimulatorSettings settings;
    private final Predicate<String> hasReported;
    private final Set<String> staticInstances;
    private final Set<String> failNext = ConcurrentHashMap.newKeySet();
    private final Set<String> acceptNotApply = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<Void>> inProgress = ConcurrentHashMap.newKeySet();

    /**
     * @param hasReported     true for an instance that has sent at least one state (the EventLog knows)
     * @param staticInstances instances known even before they report
     */
    public SimulatorProvider(Database database, SimulatorSettings settings, Predicate<String> hasReported,
                             Set<String> staticInstances) {
        this.database = database;
        this.settings = settings;
        this.hasReported = hasReported;
        this.staticInstances = Set.copyOf(staticInstances);
    }

    @Override
    public Optional<Size> currentSize(String instance) {
        Optional<Size> stored = load(instance);
        if (stored.isPresent()) {
            return stored;
        }
        if (!staticInstances.contains(instance) && !hasReported.test(instance)) {
            return Optional.empty();
        }
        return Optional.of(insertDefault(instance));
    }

    @Override
    public String sizeSource(String instance) {
        return "simulator";
    }

    @Override
    public ResizeResult.Made resize(String instance, Component component, long newValue, RestartPolicy restart) {
        // Simulated VMs change live, so a restart is never needed.
        if (currentSize(instance).isEmpty()) {
            throw new ProviderException("instance '" + instance + "' is unknown to the simulator");
        }
        boolean fail = failNext.remove(instance)
                || settings.failPattern().map(p -> p.matches(instance)).orElse(false);
        waitSimulatedTime();
        if (fail) {
            throw new ProviderException("simulated failure");
        }
        if (!acceptNotApply.contains(instance)) {
            update(instance, component, newValue);
        }
        return new ResizeResult.Applied(null);
    }

    /**
     * From now on, resizes of the instance succeed but change nothing, like a hoster that accepts a change it
     * applies later (or never): what the manager's verification of resizes must catch.
     */
    public void acceptButNotApply(String instance) {
        acceptNotApply.add(instance);
    }

    /** Makes the next resize of the instance fail with "simulated failure". */
    public void failNext(String instance) {
        failNext.add(instance);
    }

    /** Ends the simulated time of every resize now in progress, so they finish at once (tests, demos). */
    public void finishResizesInProgress() {
        for (CompletableFuture<Void> release : inProgress) {
            release.complete(null);
        }
    }

    /** Number of resizes now waiting out their simulated time. */
    public int resizesInProgress() {
        return inProgress.size();
    }

    private void waitSimulatedTime() {
        CompletableFuture<Void> release = new CompletableFuture<>();
        inProgress.add(release);
        try {
            release.get(settings.resizeDelay().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // The simulated time has passed: the usual way a resize finishes.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("resize interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("release is never completed exceptionally", e);
        } finally {
            inProgress.remove(release);
        }
    }

    private Optional<Size> load(String instance) {
        try (Connection c = database.connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT cpu, ram, storage FROM simulated_instance WHERE instance = ?")) {
            ps.setString(1, instance);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Size(rs.getLong(1), rs.getLong(2), rs.getLong(3))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read simulated instance '" + instance + "'", e);
        }
    }

    private Size insertDefault(String instance) {
        Size size = settings.defaultSize();
        try (Connection c = database.connection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO simulated_instance (instance, cpu, ram, storage) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, instance);
            ps.setLong(2, size.cpu());
            ps.setLong(3, size.ram());
            ps.setLong(4, size.storage());
            ps.executeUpdate();
            return size;
        } catch (SQLException e) {
            // Another thread saw the instance first: its row is the truth.
            if (isConstraintViolation(e)) {
                return load(instance).orElseThrow(() -> new DatabaseException("simulated instance '" + instance
                        + "' vanished right after it was added", e));
            }
            throw new DatabaseException("cannot add simulated instance '" + instance + "'", e);
        }
    }

    private void update(String instance, Component component, long value) {
        String sql = switch (component) {
            case CPU -> "UPDATE simulated_instance SET cpu = ? WHERE instance = ?";
            case RAM -> "UPDATE simulated_instance SET ram = ? WHERE instance = ?";
            case STORAGE -> "UPDATE simulated_instance SET storage = ? WHERE instance = ?";
        };
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, value);
            ps.setString(2, instance);
            if (ps.executeUpdate() != 1) {
                throw new ProviderException("instance '" + instance + "' is unknown to the simulator");
            }
        } catch (SQLException e) {
            throw new ProviderException("cannot store the new size of '" + instance + "': " + e.getMessage(), e);
        }
    }

    private static boolean isConstraintViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }
}
