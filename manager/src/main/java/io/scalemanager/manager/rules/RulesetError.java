package io.scalemanager.manager.rules;

/**
 * One problem found in a rules file.
 *
 * @param file    the file name as given to the parser
 * @param line    1-based line of the problem; 0 when unknown
 * @param rule    the name of the rule it belongs to; null outside a rule or when the rule has no usable name
 * @param message what is wrong and how to write it instead
 */
public record RulesetError(String file, int line, String rule, String message) {

    /** {@code rules.yaml:12: rule 'ram-up': 'when' must be ...}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (rule != null) {
            sb.append("rule '").append(rule).append("': ");
        }
        return sb.append(message).toString();
    }
}
