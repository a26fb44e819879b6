package io.scalemanager.core.fuzz;

import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of a valid input, the fuzzing of our parsers where Jazzer does not resolve: one to four edits
 * of a seed text (flip a character, cut a range, duplicate a range, insert a token of the format, and for JSON a
 * deep run of brackets), all drawn from one {@link Random}, so a seed replays the same inputs.
 *
 * @param tokens     fragments of the format worth inserting (keys, punctuation, extreme numbers)
 * @param flipFrom   lowest code of a flipped-in character (32: printable only)
 * @param maxCut     longest range cut out
 * @param maxCopy    longest range duplicated
 * @param maxNesting longest run of {@code [} inserted at once; 0 for none
 */
public record Mutator(List<String> tokens, int flipFrom, int maxCut, int maxCopy, int maxNesting) {

    public Mutator {
        tokens = List.copyOf(tokens);
    }

    /** For YAML files: printable flips, long cuts and copies (whole keys and lines move). */
    public static Mutator yaml(String... tokens) {
        return new Mutator(List.of(tokens), 32, 30, 80, 0);
    }

    /** For JSON bodies: any ASCII flipped in, short cuts and copies, and runs of up to 2,000 {@code [}. */
    public static Mutator json(String... tokens) {
        return new Mutator(List.of(tokens), 0, 8, 40, 2000);
    }

    /** The seed text after one to four edits. */
    public String mutate(String seed, Random random) {
        StringBuilder s = new StringBuilder(seed);
        int count = 1 + random.nextInt(4);
        int kinds = maxNesting > 0 ? 5 : 4;
        for (int i = 0; i < count; i++) {
            int at = s.length() == 0 ? 0 : random.nextInt(s.length());
            switch (random.nextInt(kinds)) {
                case 0 -> {
                    if (s.length() > 0) {
                        s.setCharAt(at, (char) (flipFrom + random.nextInt(127 - flipFrom)));
                    }
                }
                case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(maxCut)));
                case 2 -> s.insert(at, s.substring(at, Math.min(s.length(), at + 1 + random.nextInt(maxCopy))));
                case 3 -> s.insert(at, tokens.get(random.nextInt(tokens.size())));
                default -> s.insert(at, "[".repeat(random.nextInt(maxNesting)));
            }
        }
        return s.toString();
    }
}
