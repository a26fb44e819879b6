package io.scalemanager.manager.actionlog;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real pool seen through a watch on how its users end their transactions: how many rollbacks they ask for, and
 * how many connections they give back with a transaction still open (a statement after the last commit with
 * auto-commit off), which the pool then rolls back itself. On H2 with {@code WRITE_DELAY=0} every rollback, even
 * of a transaction that changed nothing, writes the store under its one lock; see docs/performance.md.
 */
final class TransactionEnds {
    private final DataSource pool;
    private final AtomicInteger rollbacks = new AtomicInteger();
    private final AtomicInteger leftOpen = new AtomicInteger();

    TransactionEnds(DataSource pool) {
        this.pool = pool;
    }

    /** The pool to hand to the code under test. */
    DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(pool, method, args);
                    return result instanceof Connection c ? watched(c) : result;
                });
    }

    /** Rollbacks asked for, plus the ones the pool made because a connection came back with a transaction open. */
    int rollbacks() {
        return rollbacks.get() + leftOpen.get();
    }

    private Connection watched(Connection connection) {
        InvocationHandler handler = new InvocationHandler() {
            private boolean open;

            @Override
            public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                switch (method.getName()) {
                    case "prepareStatement", "createStatement", "prepareCall" -> open |= !connection.getAutoCommit();
                    case "commit" -> open = false;
                    case "rollback" -> {
                        if (args == null) {
                            rollbacks.incrementAndGet();
                            open = false;
                        }
                    }
                    case "close" -> {
                        if (open && !connection.getAutoCommit()) {
                            leftOpen.incrementAndGet();
                        }
                    }
                    default -> {
                    }
                }
                return TransactionEnds.invoke(connection, method, args);
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
