package io.scalemanager.manager.rules;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds pairs of rules that would flap: a rule that grows a component and one that shrinks it, on instances both
 * can match, whose conditions on one type can hold at the same time ({@code cpu > 50} to grow and {@code cpu < 60}
 * to shrink). Each resize then undoes the other. Rules of one condition are checked; {@code rules validate}
 * prints what this finds as warnings, because such a pair is legal but rarely meant.
 */
public final class FlapCheck {

    /** One pair; {@code line} is the line of the later rule of the two. */
    public record Flap(Rule grows, Rule shrinks, int line, String message) {
    }

    private FlapCheck() {
    }

    public static List<Flap> find(Ruleset ruleset) {
        List<Flap> flaps = new ArrayList<>();
        List<Rule> rules = ruleset.rules();
        for (Rule up : rules) {
            for (Rule down : rules) {
                if (direction(up) > 0 && direction(down) < 0 && up.component().equals(down.component())
                        && up.when() instanceof Condition a && down.when() instanceof Condition b
                        && a.type().equals(b.type()) && overlap(a, b) && globsOverlap(up.instances().text(),
                        down.instances().text())) {
                    Component component = up.component().orElseThrow();
                    flaps.add(new Flap(up, down, Math.max(up.line(), down.line()), "rules '" + up.name() + "' ("
                            + a.describe() + ", line " + up.line() + ") and '" + down.name() + "' (" + b.describe()
                            + ", line " + down.line() + ") can both hold at once, so they would grow and shrink "
                            + component + " in turn; leave a gap between their thresholds"));
                }
            }
        }
        flaps.sort((x, y) -> Integer.compare(x.line(), y.line()));
        return flaps;
    }

    /** +1 for a rule that grows its component, -1 for one that shrinks it, 0 for an alert or an absolute size. */
    private static int direction(Rule r) {
        if (!(r.then() instanceof RuleAction.Resize resize) || resize.change().mode() == ChangeMode.ABS) {
            return 0;
        }
        return resize.change().value() > 0 ? 1 : -1;
    }

    /** Whether some value satisfies both conditions. */
    static boolean overlap(Condition a, Condition b) {
        if (a.op() == Operator.NE || b.op() == Operator.NE) {
            Condition other = a.op() == Operator.NE ? b : a;
            Condition ne = a.op() == Operator.NE ? a : b;
            return !(other.op() == Operator.EQ && other.threshold() == ne.threshold());
        }
        double lo = Double.NEGATIVE_INFINITY;
        boolean loIncluded = false;
        double hi = Double.POSITIVE_INFINITY;
        boolean hiIncluded = false;
        for (Condition c : List.of(a, b)) {
            double t = c.threshold();
            boolean lower = c.op() == Operator.GT || c.op() == Operator.GE || c.op() == Operator.EQ;
            boolean upper = c.op() == Operator.LT || c.op() == Operator.LE || c.op() == Operator.EQ;
            boolean included = c.op() != Operator.GT && c.op() != Operator.LT;
            if (lower && (t > lo || (t == lo && !included))) {
                lo = t;
                loIncluded = included;
            }
            if (upper && (t < hi || (t == hi && !included))) {
                hi = t;
                hiIncluded = included;
            }
        }
        return lo < hi || (lo == hi && loIncluded && hiIncluded);
    }

    /** Whether some instance id matches both globs ({@code *} any run, {@code ?} one character). */
    static boolean globsOverlap(String a, String b) {
        return overlap(a, 0, b, 0, new Boolean[a.length() + 1][b.length() + 1]);
    }

    private static boolean overlap(String a, int i, String b, int j, Boolean[][] memo) {
        if (memo[i][j] != null) {
            return memo[i][j];
        }
        boolean result;
        if (i == a.length() && j == b.length()) {
            result = true;
        } else if (i < a.length() && a.charAt(i) == '*') {
            // a's star matches nothing, or takes one more character (or star) of b
            result = overlap(a, i + 1, b, j, memo) || (j < b.length() && overlap(a, i, b, j + 1, memo));
        } else if (j < b.length() && b.charAt(j) == '*') {
            result = overlap(a, i, b, j + 1, memo) || (i < a.length() && overlap(a, i + 1, b, j, memo));
        } else if (i < a.length() && j < b.length()
                && (a.charAt(i) == b.charAt(j) || a.charAt(i) == '?' || b.charAt(j) == '?')) {
            result = overlap(a, i + 1, b, j + 1, memo);
        } else {
            result = false;
        }
        memo[i][j] = result;
        return result;
    }
}
