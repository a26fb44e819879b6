package io.scalemanager.core.sizing;

/** The size of an instance: cpu cores, ram in MiB, storage in GiB. */
public record Size(long cpu, long ram, long storage) {

    public long get(Component component) {
        return switch (component) {
            case CPU -> cpu;
            case RAM -> ram;
            case STORAGE -> storage;
        };
    }

    public Size with(Component component, long value) {
        return switch (component) {
            case CPU -> new Size(value, ram, storage);
            case RAM -> new Size(cpu, value, storage);
            case STORAGE -> new Size(cpu, ram, value);
        };
    }
}
