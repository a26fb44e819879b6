package io.scalemanager.instanceapi;

import java.util.regex.Pattern;

/** The contract's rule for instance ids: 1 to 255 characters of {@code [A-Za-z0-9._:/@-]}. */
public final class InstanceId {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:/@-]{1,255}");

    private InstanceId() {
    }

    public static boolean isValid(String instance) {
        return instance != null && VALID.matcher(instance).matches();
    }
}
