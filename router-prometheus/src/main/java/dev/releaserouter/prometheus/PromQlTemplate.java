package dev.releaserouter.prometheus;

import dev.releaserouter.rollout.gates.ExternalQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A PromQL query with placeholders: {@code {{model}}}, {@code {{version}}} (the version of the
 * arm being read), {@code {{arm}}} ({@code stable} or {@code candidate}), {@code {{stable}}},
 * {@code {{candidate}}} (the two versions) and {@code {{window}}} (the window the gates judge, as
 * a PromQL duration in seconds, e.g. {@code 1800s}). Spaces inside the braces are allowed.
 * Values are escaped for a PromQL double-quoted string ({@code \} and {@code "} get a
 * backslash), so {@code version="{{version}}"} stays one label matcher whatever the version is.
 *
 * <p>Immutable and thread-safe.
 */
final class PromQlTemplate {

    static final Set<String> PLACEHOLDERS =
            Set.of("model", "version", "arm", "stable", "candidate", "window");

    /** Literal text and placeholder names, alternately: text, name, text, ..., text. */
    private final List<String> parts;
    private final boolean perArm;

    private PromQlTemplate(List<String> parts) {
        this.parts = List.copyOf(parts);
        boolean arm = false;
        for (int i = 1; i < parts.size(); i += 2) {
            arm |= parts.get(i).equals("version") || parts.get(i).equals("arm");
        }
        this.perArm = arm;
    }

    /**
     * @param text the query as written in the policy
     * @return the template
     * @throws IllegalArgumentException naming the column of an unclosed opening "{{", or an
     *     unknown placeholder, or if the query is blank
     */
    static PromQlTemplate parse(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("the query must not be blank");
        }
        List<String> parts = new ArrayList<>();
        int from = 0;
        while (true) {
            int open = text.indexOf("{{", from);
            if (open < 0) {
                parts.add(text.substring(from));
                return new PromQlTemplate(parts);
            }
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("'{{' at column " + (open + 1)
                        + " is never closed with '}}'");
            }
            String name = text.substring(open + 2, close).strip();
            if (!PLACEHOLDERS.contains(name)) {
                throw new IllegalArgumentException("unknown placeholder '{{" + name
                        + "}}' at column " + (open + 1) + "; the placeholders are "
                        + PLACEHOLDERS.stream().sorted().map(p -> "{{" + p + "}}").toList());
            }
            parts.add(text.substring(from, open));
            parts.add(name);
            from = close + 2;
        }
    }

    /** @return whether the rendered query differs between the arms ({{version}}, {{arm}}) */
    boolean perArm() {
        return perArm;
    }

    /**
     * @param q the evaluation
     * @param arm {@code stable} or {@code candidate}
     * @return the query to send
     */
    String render(ExternalQuery q, String arm) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i);
            if (i % 2 == 0) {
                out.append(p);
                continue;
            }
            String value = switch (p) {
                case "model" -> q.model();
                case "version" -> q.version(arm);
                case "arm" -> arm;
                case "stable" -> q.stableVersion();
                case "candidate" -> q.candidateVersion();
                default -> Math.max(1, q.window().toSeconds()) + "s"; // window
            };
            out.append(escape(value));
        }
        return out.toString();
    }

    /** Escapes a value for a PromQL double-quoted string literal. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
