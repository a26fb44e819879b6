package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.Set;

/**
 * docs/openapi.yaml, read for checking: which operations it describes, and whether an answer of the running
 * server (status, content type, body) is what it describes. Bodies are checked against the response schemas with
 * a JSON Schema 2020-12 validator, the dialect of OpenAPI 3.1.
 */
final class ApiDescription {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

    private final JsonNode spec;
    private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private ApiDescription(JsonNode spec) {
        this.spec = spec;
    }

    static ApiDescription load(Path file) throws IOException {
        Object tree;
        try (var reader = java.nio.file.Files.newBufferedReader(file)) {
            tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
        return new ApiDescription(JSON.valueToTree(tree));
    }

    /** "GET /v1/operations/{id}" for every operation described. */
    Set<String> operations() {
        Set<String> ops = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : spec.path("paths").properties()) {
            for (String m : METHODS) {
                if (path.getValue().has(m)) {
                    ops.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return ops;
    }

    /** The described path template a concrete path falls under ({@code /v1/operations/abc} → {@code /v1/operations/{id}}). */
    Optional<String> template(String path) {
        String[] parts = path.split("/", -1);
        String best = null;
        for (Iterator<String> names = spec.path("paths").fieldNames(); names.hasNext(); ) {
            String t = names.next();
            String[] tp = t.split("/", -1);
            boolean match = tp.length == parts.length;
            for (int i = 0; i < tp.length && match; i++) {
                match = tp[i].startsWith("{") ? !parts[i].isEmpty() : tp[i].equals(parts[i]);
            }
            // a literal segment beats a parameter: /v1/operations before /v1/{anything}
            if (match && (best == null || params(t) < params(best))) {
                best = t;
            }
        }
        return Optional.ofNullable(best);
    }

    private static long params(String template) {
        return template.chars().filter(c -> c == '{').count();
    }

    /** What is wrong with this answer, by the description; empty when nothing. */
    List<String> problems(String method, String template, int status, String contentType, String body) {
        List<String> problems = new ArrayList<>();
        String what = method + " " + template + " → " + status;
        JsonNode op = spec.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
        JsonNode response = resolve(op.path("responses").path(Integer.toString(status)));
        if (response.isMissingNode()) {
            problems.add(what + ": status not described; body " + body);
            return problems;
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (!body.isEmpty()) {
                problems.add(what + ": described without a body, answered " + body);
            }
            return problems;
        }
        String media = contentType == null ? "" : contentType.split(";")[0].strip();
        JsonNode described = content.path(media);
        if (described.isMissingNode()) {
            problems.add(what + ": content type " + media + " not described (" + content.fieldNames().next() + ")");
            return problems;
        }
        if (media.equals("application/json")) {
            Schema schema = schemas.getSchema(standalone(described.path("schema")), InputFormat.JSON);
            schema.validate(body, InputFormat.JSON).forEach(e -> problems.add(what + ": " + e + " in " + body));
        }
        return problems;
    }

    private JsonNode resolve(JsonNode node) {
        JsonNode ref = node.path("$ref");
        return ref.isTextual() ? spec.at(ref.asText().substring(1)) : node;
    }

    /** The schema with the description's component schemas as its own {@code $defs}, so its references resolve. */
    private String standalone(JsonNode schema) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("allOf", JSON.createArrayNode().add(schema));
        root.set("$defs", spec.path("components").path("schemas"));
        try {
            return JSON.writeValueAsString(root).replace("#/components/schemas/", "#/$defs/");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
