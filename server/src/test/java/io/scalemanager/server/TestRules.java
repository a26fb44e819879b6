package io.scalemanager.server;

/** Rulesets the end-to-end tests share, as an operator would write them in rules.yaml. */
public final class TestRules {
    private TestRules() {
    }

    /**
     * One rule, {@code ram-up}: ram above 80 held for {@code held} adds 1024 MB, then {@code cooldown} passes before
     * it acts on the instance again. More rules may be appended as further items of its {@code rules:} list.
     */
    public static String ramUp(String held, String cooldown) {
        return """
                rules:
                  - name: ram-up
                    when: ram > 80
                    for: %s
                    then: ram +1024
                    cooldown: %s
                """.formatted(held, cooldown);
    }
}
