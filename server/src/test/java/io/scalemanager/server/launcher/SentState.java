package io.scalemanager.server.launcher;

import java.util.List;

/**
 * A state as an agent sends it. The value doubles as its identity in the load tests: each load state carries a
 * number of its own, so it can be found again in the EventLog and the Kafka topic, whose seq it does not know.
 */
record SentState(String instance, String type, double value, double timestampSeconds) {

    static SentState now(String instance, String type, double value) {
        return new SentState(instance, type, value, System.currentTimeMillis() / 1000.0);
    }

    /** instance/type/value: what both the EventLog and the topic keep of a state, exactly. */
    String key() {
        return key(instance, type, value);
    }

    static String key(String instance, String type, double value) {
        return instance + "/" + type + "/" + value;
    }

    static String toJson(List<SentState> states) {
        StringBuilder json = new StringBuilder(states.size() * 80).append('[');
        for (int i = 0; i < states.size(); i++) {
            SentState s = states.get(i);
            json.append(i == 0 ? "" : ",").append("{\"instance\":\"").append(s.instance).append("\",\"type\":\"")
                    .append(s.type).append("\",\"value\":").append(s.value).append(",\"timestamp\":")
                    .append(s.timestampSeconds).append('}');
        }
        return json.append(']').toString();
    }
}
