package io.scalemanager.core.yaml;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class YamlFileTest {
    private static final List<String> KEYS = List.of("name", "timeout", "token", "items", "retries");

    private static List<String> errors(YamlFile f) {
        return f.errors().stream().map(YamlError::toString).toList();
    }

    @Test
    void errorsAreCollectedInLineOrderInOneFormat() {
        YamlFile f = YamlFile.parse("""
                name: x
                colour: red
                timeout: soon
                name: y
                """, "a.yaml");
        YamlMap top = f.top(KEYS, "name and timeout");
        assertThat(top.duration("timeout")).isEmpty();

        assertThat(errors(f)).containsExactly(
                "a.yaml:2: unknown key 'colour' at the top level; expected one of name, timeout, token, items, retries",
                "a.yaml:3: 'timeout' must be a duration like 30s, 5m or 2h, got \"soon\"",
                "a.yaml:4: duplicate key 'name'; it is already on line 1");
        assertThatThrownBy(() -> f.throwIfInvalid(YamlFileException::new))
                .isInstanceOf(YamlFileException.class)
                .hasMessage(String.join("\n", errors(f)));
    }

    @Test
    void aKeyWithNoValueIsAbsentButAnEmptyTextIsAnError() {
        YamlFile f = YamlFile.parse("name:\ntimeout: ~\ntoken: \"\"\nitems: ''\n", "a.yaml");
        YamlMap top = f.top(KEYS, "keys");

        assertThat(top.has("name")).isFalse();
        assertThat(top.text("name", "a name")).isEmpty();
        assertThat(top.positiveDuration("timeout", Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(f.hasErrors()).isFalse();
        assertThat(top.required("name", "a name like web")).isEmpty();
        assertThat(top.text("token", "a token")).isEmpty();
        assertThat(top.textOrEmpty("items", "a JSON pointer")).contains("");

        assertThat(errors(f)).containsExactly(
                "a.yaml:1: missing 'name' (a name like web)",
                "a.yaml:3: 'token' is empty; write a token, or leave the key out");
    }

    @Test
    void variablesAreReplacedAndAnUnsetOrEmptyOneIsAnErrorThatNeverShowsValues() {
        YamlFile f = YamlFile.parse("""
                name: "${HOST}-${PORT}"
                token: ${MISSING}
                items: ${EMPTY}
                timeout: ${SECRET}
                """, "a.yaml", Map.of("HOST", "h", "PORT", "9", "EMPTY", "", "SECRET", "hunter2"));
        YamlMap top = f.top(KEYS, "keys");

        assertThat(top.text("name", "a name")).contains("h-9");
        assertThat(top.text("token", "a token")).isEmpty();
        assertThat(top.text("items", "a pointer")).isEmpty();
        assertThat(top.duration("timeout")).isEmpty();
        assertThat(errors(f)).containsExactly(
                "a.yaml:2: 'token' needs environment variable MISSING, which is not set; set it before starting, "
                        + "or write the value here",
                "a.yaml:3: 'items' needs environment variable EMPTY, which is empty; set it before starting, "
                        + "or write the value here",
                "a.yaml:4: 'timeout' must be a duration like 30s, 5m or 2h, got a value from the environment");
        assertThat(String.join("\n", errors(f))).doesNotContain("hunter2");
    }

    @Test
    void withoutAnEnvironmentTextIsTakenAsWritten() {
        YamlFile f = YamlFile.parse("name: ${X}\n", "a.yaml");
        assertThat(f.top(KEYS, "keys").text("name", "a name")).contains("${X}");
        assertThat(f.hasErrors()).isFalse();
    }

    @Test
    void nestedMappingsAndListsNameTheirPathAndCheckTheirKeys() {
        YamlFile f = YamlFile.parse("""
                items:
                  - {name: a, retries: 99}
                  - just text
                name: [1, 2]
                token: {a: 1}
                """, "a.yaml");
        YamlMap top = f.top(KEYS, "keys");
        List<Node2> read = new java.util.ArrayList<>();
        List<org.yaml.snakeyaml.nodes.Node> items = top.list("items", "a list of items");
        for (int i = 0; i < items.size(); i++) {
            YamlMap item = f.map(items.get(i), "items[" + (i + 1) + "]", List.of("name", "retries"), "name and retries");
            if (item != null) {
                read.add(new Node2(item.text("name", "a name"), item.whole("retries", 3, 0, 20)));
            }
        }
        assertThat(top.map("token", List.of("a"), "a")).isNotNull();
        assertThat(top.text("name", "a name")).isEmpty();

        assertThat(read).containsExactly(new Node2(Optional.of("a"), 3));
        assertThat(errors(f)).containsExactly(
                "a.yaml:2: items[1]: 'retries' must be a whole number from 0 to 20, got \"99\"",
                "a.yaml:3: items[2]: must be a mapping with name and retries, got \"just text\"",
                "a.yaml:4: 'name' must be a name, got a list");
    }

    private record Node2(Optional<String> name, int retries) {
    }

    @Test
    void aTypedMappingsTypeIsReadFirstAndMustBeOneOfTheTypes() {
        YamlFile f = YamlFile.parse("""
                items:
                  - {type: http, url: x}
                  - {url: y}
                  - {type: ftp}
                  - just text
                  - {type: "${UNSET}"}
                """, "a.yaml", java.util.Map.of());
        List<org.yaml.snakeyaml.nodes.Node> items = f.top(List.of("items"), "items").list("items", "a list");
        List<String> types = new java.util.ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            types.add(f.type(items.get(i), "items[" + (i + 1) + "]", List.of("http", "exec"), "type and url"));
        }
        assertThat(types).containsExactly("http", null, null, null, null);
        assertThat(errors(f)).hasSize(4).startsWith(
                "a.yaml:3: items[2]: missing 'type' (one of http, exec)",
                "a.yaml:4: items[3]: 'type' must be one of http, exec, got \"ftp\"",
                "a.yaml:5: items[4]: must be a mapping with type and url, got \"just text\"");
    }

    @Test
    void brokenEmptyAndMisshapenFilesSaySo() {
        YamlFile broken = YamlFile.parse("a: [unclosed\n", "a.yaml");
        assertThat(broken.top(KEYS, "keys")).isNull();
        assertThat(errors(broken)).singleElement().asString().startsWith("a.yaml:2: not valid YAML: ");

        YamlFile empty = YamlFile.parse("", "a.yaml");
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.top(KEYS, "'name:'")).isNull();
        assertThat(errors(empty)).containsExactly("a.yaml:1: the file is empty; it needs 'name:'");

        YamlFile list = YamlFile.parse("- a\n", "a.yaml");
        assertThat(list.top(KEYS, "'name:'")).isNull();
        assertThat(errors(list)).containsExactly("a.yaml:1: the top level must be a mapping with 'name:', got a list");
    }

    @Test
    void mergeKeysAreRefused() {
        YamlFile f = YamlFile.parse("base: &b {name: x}\nitems:\n  <<: *b\n", "a.yaml");
        YamlMap top = f.top(List.of("base", "items"), "keys");
        top.map("items", KEYS, "keys");
        assertThat(errors(f)).containsExactly("a.yaml:3: items: merge keys (<<) are not supported; write the keys out");
    }
}
