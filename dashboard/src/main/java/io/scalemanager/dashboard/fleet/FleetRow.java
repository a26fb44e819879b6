package io.scalemanager.dashboard.fleet;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * One instance on the fleet page.
 *
 * @param lastSeen   epoch seconds of its newest state
 * @param size       cpu, ram and storage from the instance API, null when it did not answer
 * @param statusWhy  the status in words (the action or alert behind it)
 * @param lastAction its newest action, null when it has none
 * @param sparklines per type the rules watch, the average of each minute of the last hour (null: no sample)
 */
public record FleetRow(String instance, @JsonProperty("last_seen") Number lastSeen, Map<String, Double> values,
                       InstanceSize size, String status, @JsonProperty("status_why") String statusWhy,
                       @JsonProperty("last_action") LastAction lastAction, Map<String, List<Double>> sparklines) {

    /** Its size as the instance API gives it. */
    public record InstanceSize(long cpu, long ram, long storage) {
    }

    /** The newest action of an instance, as the fleet page shows it: {@code cpu 2 → 3 (cpu-up), succeeded}. */
    public record LastAction(long id, String rule, String component, Long from, Long to, String status,
                             @JsonProperty("created_at") Number createdAt) {
    }
}
