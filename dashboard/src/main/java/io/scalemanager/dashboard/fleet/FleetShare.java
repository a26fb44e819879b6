package io.scalemanager.dashboard.fleet;

import java.util.List;
import java.util.Map;

/**
 * One manager's share of a fleet page ({@code GET /v1/fleet?scope=local}), which the asking manager merges with
 * the others': its matching instances in the page's order from {@code offset}.
 *
 * @param total     this manager's instances matching the filter
 * @param statuses  this manager's instances per status, before the status filter
 * @param instances at most {@code limit} rows from {@code offset}; brief rows carry no size, last action or
 *                  sparklines
 */
public record FleetShare(int total, Map<String, Integer> statuses, List<FleetRow> instances) {
}
