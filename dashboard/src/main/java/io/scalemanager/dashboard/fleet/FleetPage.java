package io.scalemanager.dashboard.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.scalemanager.manager.fleet.FleetPeers;

import java.util.List;
import java.util.Map;

/**
 * A page of the fleet with what the page needs around it.
 *
 * @param total      instances matching the filter (all pages)
 * @param statuses   instances per status over the whole fleet, before the status filter
 * @param watched    the types the rules watch (the sparklines' types)
 * @param managers   with several managers (Kafka): how many answered, this one included; absent otherwise
 * @param unanswered with several managers: those that did not answer in time (their instances are missing)
 */
public record FleetPage(int total, int page, int size, Map<String, Integer> statuses, List<String> watched,
                        List<FleetRow> instances,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Integer managers,
                        @JsonInclude(JsonInclude.Include.NON_NULL) List<FleetPeers.Unanswered> unanswered) {
}
