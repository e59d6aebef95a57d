package dev.releaserouter.spring;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The names closest to a misspelled one, for error and warning messages. Stateless. */
final class NearMatches {

    private static final int MAX = 3;

    private NearMatches() {}

    /**
     * The known names within a small edit distance of {@code name} (two edits, or one per five
     * characters of a longer name), closest first, at most three.
     */
    static List<String> of(String name, Collection<String> known) {
        int limit = Math.max(2, name.length() / 5);
        return known.stream()
                .collect(Collectors.toMap(k -> k, k -> distance(name, k), (a, b) -> a))
                .entrySet().stream()
                .filter(e -> e.getValue() <= limit)
                .sorted(Map.Entry.<String, Integer>comparingByValue()
                        .thenComparing(Map.Entry.comparingByKey(Comparator.naturalOrder())))
                .limit(MAX)
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Levenshtein distance (insertions, deletions and substitutions cost one). */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
