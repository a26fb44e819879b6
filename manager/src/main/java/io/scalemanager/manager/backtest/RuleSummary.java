package io.scalemanager.manager.backtest;

/**
 * What one rule (or schedule) did in a backtest.
 *
 * @param fired     actions started and alerts raised
 * @param instances distinct instances it fired on
 * @param up        resizes that grew a component
 * @param down      resizes that shrank one
 * @param flaps     its resizes that undid one made less than an hour before on the same component
 * @param atLimit   runs of its condition that found nothing left to change within the limits
 * @param alerts    alerts raised: the rule's own ({@code then: alert}) and a spent budget's, once per period
 * @param wouldFire what it did as a dry run (its own {@code dry_run}, or manager.dry_run): would-be resizes and
 *                  alerts, once per shadow cooldown as the manager records them; none of the counts above
 */
public record RuleSummary(String rule, long fired, long instances, long up, long down, long flaps, long atLimit,
                          long alerts, long wouldFire) {
}
