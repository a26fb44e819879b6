package io.scalemanager.collector;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.scalemanager.core.state.State;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.FieldError;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and validates request bodies into states with a streaming parser, one pass, no tree. Any problem
 * becomes a {@link DomainException} (malformed, or too large for too many states); a returned list is valid
 * whole.
 */
final class StateReader {
    /** NaN and Infinity parse, so that they are rejected with the field's name rather than as bad JSON. */
    private static final JsonFactory JSON = new JsonFactoryBuilder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    private static final String BATCH_SHAPE = "expected a JSON array of states or {\"states\": [...]}";

    private final StateValidator validator;
    private final int maxStates;
    private final Clock clock;

    StateReader(CollectorSettings settings, Clock clock) {
        this.validator = new StateValidator(settings.futureTolerance());
        this.maxStates = settings.maxStatesPerRequest();
        this.clock = clock;
    }

    /** The body of {@code POST /v1/states}: an array of states, or an object with a "states" array. */
    List<State> readBatch(InputStream body) throws IOException {
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            List<State> states;
            if (first == JsonToken.START_ARRAY) {
                states = readArray(p);
            } else if (first == JsonToken.START_OBJECT) {
                states = readWrapped(p);
            } else {
                throw new DomainException.Malformed((first == null ? "empty body; " : "wrong body; ") + BATCH_SHAPE,
                        List.of(FieldError.of("states", "missing")));
            }
            requireEnd(p);
            return states;
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
    }

    /** The body of {@code POST /v1/state}: one state object. */
    List<State> readOne(InputStream body) throws IOException {
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new DomainException.Malformed((first == null ? "empty body" : "wrong body")
                        + "; expected one state object such as "
                        + "{\"instance\": \"web-1\", \"type\": \"ram\", \"value\": 81.5, \"timestamp\": 1764067200}");
            }
            RawState raw = new RawState();
            readFields(p, raw);
            requireEnd(p);
            ValidationErrors errors = new ValidationErrors();
            State state = validator.validate(0, raw, clock.millis(), errors);
            errors.throwIfAny(1);
            return List.of(state);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
    }

    private List<State> readWrapped(JsonParser p) throws IOException {
        List<State> states = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            if (!"states".equals(name)) {
                p.skipChildren();
            } else if (states != null) {
                throw DomainException.Malformed.field("states", "appears twice");
            } else if (token != JsonToken.START_ARRAY) {
                throw DomainException.Malformed.field("states", "must be an array of states, got " + kind(token).description);
            } else {
                states = readArray(p);
            }
        }
        if (states == null) {
            throw new DomainException.Malformed("no \"states\" field; " + BATCH_SHAPE,
                    List.of(FieldError.of("states", "is required")));
        }
        return states;
    }

    /** Reads the states of an array whose START_ARRAY is the current token. */
    private List<State> readArray(JsonParser p) throws IOException {
        long nowMs = clock.millis();
        List<State> states = new ArrayList<>();
        ValidationErrors errors = new ValidationErrors();
        RawState raw = new RawState();
        int index = 0;
        for (JsonToken token = p.nextToken(); token != JsonToken.END_ARRAY; token = p.nextToken(), index++) {
            if (index == maxStates) {
                throw new DomainException.TooLarge("too many states: more than " + maxStates
                        + " in one request; send smaller batches",
                        List.of(FieldError.of("states", "at most " + maxStates + " states per request")));
            }
            if (token != JsonToken.START_OBJECT) {
                errors.add(index, "state", "must be an object, got " + kind(token).description);
                p.skipChildren();
                continue;
            }
            raw.clear();
            readFields(p, raw);
            State state = validator.validate(index, raw, nowMs, errors);
            if (state != null && errors.isEmpty()) {
                states.add(state);
            }
        }
        if (index == 0) {
            throw DomainException.Malformed.field("states", "must contain at least one state");
        }
        errors.throwIfAny(index);
        return states;
    }

    /** Reads the fields of an object whose START_OBJECT is the current token, ignoring unknown ones. */
    private static void readFields(JsonParser p, RawState raw) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            RawField field = raw.field(p.currentName());
            JsonToken token = p.nextToken();
            if (field == null) {
                p.skipChildren();
                continue;
            }
            switch (token) {
                case VALUE_STRING -> field.setString(p.getText());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> field.setNumber(p.getDoubleValue());
                default -> {
                    field.setOther(kind(token));
                    p.skipChildren();
                }
            }
        }
    }

    private static RawField.Kind kind(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> RawField.Kind.STRING;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> RawField.Kind.NUMBER;
            case VALUE_TRUE, VALUE_FALSE -> RawField.Kind.BOOLEAN;
            case START_OBJECT -> RawField.Kind.OBJECT;
            case START_ARRAY -> RawField.Kind.ARRAY;
            default -> RawField.Kind.NULL;
        };
    }

    private static void requireEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            JsonLocation at = p.currentTokenLocation();
            throw new DomainException.Malformed("malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr()
                    + ": unexpected content after the end of the body");
        }
    }

    private static DomainException malformed(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new DomainException.Malformed("malformed JSON" + where + ": " + e.getOriginalMessage());
    }
}
