package io.scalemanager.collector;

/** The four fields of a state as the JSON had them. Reused from one state of a batch to the next. */
final class RawState {
    final RawField instance = new RawField();
    final RawField type = new RawField();
    final RawField value = new RawField();
    final RawField timestamp = new RawField();

    void clear() {
        instance.clear();
        type.clear();
        value.clear();
        timestamp.clear();
    }

    /** The field of that name, or null for a field a state does not have (ignored, for forward compatibility). */
    RawField field(String name) {
        return switch (name) {
            case "instance" -> instance;
            case "type" -> type;
            case "value" -> value;
            case "timestamp" -> timestamp;
            default -> null;
        };
    }
}
