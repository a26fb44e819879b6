package io.scalemanager.server.wiring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * SIGHUP reloads the rules, the way daemons conventionally re-read their configuration. The JDK's only handle on
 * signals is {@code sun.misc.Signal} (module jdk.unsupported, present in every JDK); where it is refused (a JVM
 * started with -Xrs, or a platform without SIGHUP), reloading works through {@code POST /v1/rules/reload} alone.
 */
final class RulesSignal {
    private static final Logger log = LoggerFactory.getLogger(RulesSignal.class);

    private RulesSignal() {
    }

    // sun.misc.Signal is reached by reflection: naming it in source draws javac's "internal proprietary API"
    // warning, which no @SuppressWarnings silences, and the build treats every warning as an error.
    static void onHangup(Runnable reload) {
        try {
            Class<?> signalType = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            InvocationHandler onSignal = (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    return objectMethod(proxy, method.getName(), args);
                }
                log.info("SIGHUP: reloading the rules");
                try {
                    reload.run();
                } catch (RuntimeException e) {
                    log.error("Rules reload on SIGHUP failed", e);
                }
                return null;
            };
            Object handler = Proxy.newProxyInstance(RulesSignal.class.getClassLoader(),
                    new Class<?>[] {handlerType}, onSignal);
            Object hangup = signalType.getConstructor(String.class).newInstance("HUP");
            signalType.getMethod("handle", signalType, handlerType).invoke(null, hangup, handler);
        } catch (InvocationTargetException e) {
            // The JVM refuses HUP where it reserves the signal (e.g. run with -Xrs) or the platform lacks it:
            // not an open end, the HTTP reload still works.
            log.warn("SIGHUP cannot be handled here ({}); reload the rules with POST /v1/rules/reload",
                    e.getCause().getMessage());
        } catch (ReflectiveOperationException e) {
            log.warn("SIGHUP cannot be handled by this JVM ({}); reload the rules with POST /v1/rules/reload",
                    e.toString());
        }
    }

    private static Object objectMethod(Object proxy, String name, Object[] args) {
        return switch (name) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "SIGHUP rules reload";
        };
    }
}
