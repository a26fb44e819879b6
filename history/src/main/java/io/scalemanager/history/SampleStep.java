package io.scalemanager.history;

/**
 * The samples of one (instance, type) that fall in one step of a range, reduced: how many, their average, minimum
 * and maximum (so a spike stays visible on a chart of a thousand points), and the time of the first one.
 *
 * @param startMs the step's start: the range's start plus a whole number of steps, epoch milliseconds
 * @param firstMs the time of the step's earliest sample, epoch milliseconds
 */
public record SampleStep(long startMs, long firstMs, long count, double avg, double min, double max) {
}
