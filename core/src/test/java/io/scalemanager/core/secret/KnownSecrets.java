package io.scalemanager.core.secret;

/**
 * For tests of other modules that parse many generated files (the fuzz tests): the secrets those files registered
 * are forgotten afterwards, so a mutated "password" that happens to be an ordinary word is not redacted in the
 * output later tests of the same JVM check.
 */
public final class KnownSecrets {
    private KnownSecrets() {
    }

    public static void forgetAll() {
        Secrets.clear();
    }
}
