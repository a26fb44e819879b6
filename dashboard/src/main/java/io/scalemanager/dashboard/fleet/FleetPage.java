package io.scalemanager.dashboard.fleet;

import java.util.List;
import java.util.Map;

/**
 * A page of the fleet with what the page needs around it.
 *
 * @param total    instances matching the filter (all pages)
 * @param statuses instances per status over the whole fleet, before the status filter
 * @param watched  the types the rules watch (the sparklines' types)
 */
public record FleetPage(int total, int page, int size, Map<String, Integer> statuses, List<String> watched,
                        List<FleetRow> instances) {
}
