package dev.releaserouter.core.testing;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Near-valid inputs for fuzzing parsers: valid seed texts with a few random edits (deletions,
 * inserted tokens from a hostile dictionary, duplicated slices, truncation, deep nesting around
 * a slice), deep nesting on its own, and random strings.
 */
public final class Mutations {

    /** Fragments that break parsers: syntax, huge numbers, deep openings, YAML features. */
    public static final List<String> TOKENS = List.of("{", "}", "[", "]", "\"", ":", ",", "\\",
            "\u0000", "\ud800", "1e999999999", "-1e-999999999", "1e308", "4.9e-324", "NaN",
            "-0", "123456789012345678901234567890", "null", "true", "\"x\"", " and ", " or ",
            " not ", "(", ")", "((((((((((", "abs(", "max(1,", "<=", "==", "!=", "=", "#",
            "\n", "\t", "\r\n", "&a ", "*a", "!!binary ", "!!java.lang.Object ", "---", "- ",
            ": ", "? ", "|", ">-", "candidate.p95_ms", "v2.error_rate_5xx", "stable.outcome.",
            "candidate.unknown_metric", "outcome.x", "\"type\": \"psi\",",
            "\"type\": \"sequential\",", "\"consecutive_windows\": 1001,",
            "\"min_window\": \"P999999999D\",", "\"min_samples\": -1,",
            "\"severity\": \"critical\",", "\"metric\": \"outcome.x\",", "\"baseline\": \"v9\",",
            "\"max\": \"drift.nope\",", "\"kind\": \"continuous\",", "\"alpha\": 0.5,",
            "\"mixing_sd\": 0,", "\"stage_index\": 2147483648,", "\"status\": \"DONE\",",
            "\"checkpoint_start\": \"+1000000000-01-01T00:00:00Z\",");

    private Mutations() {}

    /** One edit, with positions as fractions of the text's length. */
    record Edit(int kind, double at, double to, String token, int times) {
        String apply(String s) {
            int n = s.length();
            int i = (int) (at * n);
            int j = Math.min(n, i + 1 + (int) (to * Math.min(40, n)));
            switch (kind) {
                case 0: // delete a slice
                    return s.substring(0, i) + s.substring(j);
                case 1: // insert a token
                    return s.substring(0, i) + token + s.substring(i);
                case 2: // replace a slice by a token
                    return s.substring(0, i) + token + s.substring(j);
                case 3: // duplicate a slice
                    return s.substring(0, j) + s.substring(i, j) + s.substring(j);
                case 4: // truncate
                    return s.substring(0, i);
                case 5: // repeat a token many times
                    return s.substring(0, i) + token.repeat(times) + s.substring(i);
                default: // wrap a slice in deep nesting
                    String open = token.equals("{") ? "{\"a\":" : token.equals("(") ? "("
                            : token.equals("abs(") ? "abs(" : "[";
                    String close = open.startsWith("{") ? "}" : open.endsWith("(") ? ")" : "]";
                    return s.substring(0, i) + open.repeat(times) + s.substring(i, j)
                            + close.repeat(times) + s.substring(j);
            }
        }
    }

    private static Arbitrary<Edit> edits() {
        return Combinators.combine(Arbitraries.integers().between(0, 6),
                Arbitraries.doubles().between(0, 1), Arbitraries.doubles().between(0, 1),
                Arbitraries.of(TOKENS),
                Arbitraries.oneOf(Arbitraries.integers().between(1, 100),
                        Arbitraries.integers().between(100, 100_000)))
                .as(Edit::new);
    }

    /**
     * @param seeds valid texts
     * @return a seed with 1 to 6 random edits
     */
    public static Arbitrary<String> mutated(List<String> seeds) {
        return Combinators.combine(Arbitraries.of(seeds), edits().list().ofMinSize(1)
                .ofMaxSize(6)).as((seed, edits) -> {
                    String s = seed;
                    for (Edit e : edits) {
                        s = e.apply(s);
                    }
                    return s;
                });
    }

    /**
     * @param open what opens a level, e.g. {@code [}
     * @param middle what is inside the deepest level
     * @param close what closes a level
     * @return nesting 1 to 200,000 levels deep, closed or not
     */
    public static Arbitrary<String> deep(String open, String middle, String close) {
        return Combinators.combine(Arbitraries.integers().between(1, 200_000),
                Arbitraries.of(true, false))
                .as((n, closed) -> open.repeat(n) + middle + (closed ? close.repeat(n) : ""));
    }

    /** @return random strings: any characters, or JSON/YAML-ish characters, up to 2,000 */
    public static Arbitrary<String> random() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(2000),
                Arbitraries.strings().withChars("{}[]\":,.-+eE0123456789 \n-&*!#|>?abc")
                        .ofMaxLength(2000));
    }
}
