package io.scalemanager.collector;

/** One field of a state as the JSON had it, before validation. Mutable and reused, so parsing allocates little. */
final class RawField {

    /** What the JSON held for the field. */
    enum Kind {
        MISSING("nothing"), STRING("a string"), NUMBER("a number"), BOOLEAN("a boolean"), NULL("null"),
        OBJECT("an object"), ARRAY("an array");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    Kind kind = Kind.MISSING;
    String text;
    double number;

    void clear() {
        kind = Kind.MISSING;
        text = null;
        number = 0;
    }

    void setString(String s) {
        kind = Kind.STRING;
        text = s;
    }

    void setNumber(double n) {
        kind = Kind.NUMBER;
        number = n;
    }

    void setOther(Kind k) {
        kind = k;
    }
}
