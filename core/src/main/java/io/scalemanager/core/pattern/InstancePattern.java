package io.scalemanager.core.pattern;

import java.util.regex.Pattern;

/** A glob on instance ids: {@code *} any run of characters, {@code ?} one character. */
public final class InstancePattern {
    public static final InstancePattern ANY = new InstancePattern("*");

    private final String text;
    private final Pattern regex;

    public InstancePattern(String text) {
        this.text = text;
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        this.regex = Pattern.compile(sb.toString());
    }

    public boolean matches(String instance) {
        return "*".equals(text) || regex.matcher(instance).matches();
    }

    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstancePattern p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
