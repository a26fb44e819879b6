package io.scalemanager.core.yaml;

/**
 * One problem in a configuration file, in the one format every file's errors take:
 * {@code FILE:LINE: SUBJECT: MESSAGE}, where the subject names the thing the problem is in (a rule, a route, a
 * channel; absent at the top level) and the message says what is wrong and what to write instead, like
 * {@code rules.yaml:12: rule 'ram-up': 'for' must be a duration like 30s, 5m or 2h, got "5 minutes"}.
 *
 * @param file    the file name as given to the reader
 * @param line    1-based line of the problem; 0 when unknown
 * @param subject what the problem is in, like {@code rule 'ram-up'} or {@code providers[1].auth}; null at the top
 * @param message what is wrong and how to write it instead
 */
public record YamlError(String file, int line, String subject, String message) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (subject != null) {
            sb.append(subject).append(": ");
        }
        return sb.append(message).toString();
    }
}
