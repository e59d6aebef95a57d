package dev.releaserouter.replay.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A staging suite (seed 001 §3 and §6): requests to replay against a candidate before it sees
 * production traffic, each expected to be answered validly ({@code valid}: a contract request)
 * or to be refused ({@code invalid}: a malformed or hostile request the version must reject by
 * throwing or by an output its validator rejects). Run it with
 * {@code Replayer.staging(suite, masker)} ({@code dev.releaserouter.replay}). Immutable.
 *
 * <p>The file format is JSON Lines (UTF-8), one case per line; blank lines and lines starting
 * with {@code #} are skipped:
 *
 * <pre>{@code
 * {"name": "retail-basic", "input": {"tenure": 12, "plan": "basic"}, "expect": "valid"}
 * {"name": "missing-plan", "input": {"tenure": 12}, "expect": "invalid"}
 * }</pre>
 *
 * {@code input} is required (any JSON value); {@code name} defaults to {@code line-<n>} and must
 * be unique; {@code expect} is {@code valid} (the default) or {@code invalid}.
 *
 * @param name the suite's name (the file name when read from a file)
 * @param cases the cases, in file order
 */
public record StagingSuite(String name, List<Case> cases) {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * @throws IllegalArgumentException if two cases share a name
     * @throws NullPointerException if an argument is null
     */
    public StagingSuite {
        Objects.requireNonNull(name, "name");
        cases = List.copyOf(cases);
        Set<String> seen = new HashSet<>();
        for (Case c : cases) {
            if (!seen.add(c.name())) {
                throw new IllegalArgumentException("staging suite '" + name + "': case name '"
                        + c.name() + "' is used twice");
            }
        }
    }

    /** What a case expects of the version. */
    public enum Expect {
        /** A valid answer ({@code SUCCESS}). */
        VALID,
        /** A refusal: the version throws or answers an output its validator rejects. */
        INVALID
    }

    /**
     * One request of the suite.
     *
     * @param name the case's name (reported; never data)
     * @param input the request's input
     * @param expect what the version should do with it
     */
    public record Case(String name, JsonNode input, Expect expect) {

        /** @throws NullPointerException if an argument is null */
        public Case {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(expect, "expect");
        }
    }

    /**
     * Reads a suite file (format on the class).
     *
     * @param file the file
     * @return the suite, named after the file
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException naming the file, the line and the field, if a line is not
     *     a valid case
     */
    public static StagingSuite read(Path file) {
        Objects.requireNonNull(file, "file");
        List<Case> cases = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int n = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                cases.add(parse(file, n, t));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read staging suite " + file, e);
        }
        Path fileName = file.getFileName();
        return new StagingSuite(fileName == null ? file.toString() : fileName.toString(), cases);
    }

    private static Case parse(Path file, int line, String text) {
        String where = file + ": line " + line;
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(where + ": not JSON" + (e.getLocation() == null
                    ? "" : " (column " + e.getLocation().getColumnNr() + ")"));
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + ": a case must be a JSON object");
        }
        JsonNode input = node.get("input");
        if (input == null) {
            throw new IllegalArgumentException(where + ": /input is missing");
        }
        JsonNode name = node.get("name");
        if (name != null && (!name.isString() || name.stringValue().isBlank())) {
            throw new IllegalArgumentException(where + ": /name must be a non-blank string");
        }
        JsonNode expect = node.get("expect");
        Expect e = Expect.VALID;
        if (expect != null) {
            String v = expect.isString() ? expect.stringValue() : expect.toString();
            if (v.equals("valid")) {
                e = Expect.VALID;
            } else if (v.equals("invalid")) {
                e = Expect.INVALID;
            } else {
                throw new IllegalArgumentException(where + ": /expect must be \"valid\" or"
                        + " \"invalid\", but was " + expect);
            }
        }
        return new Case(name == null ? "line-" + line : name.stringValue(), input, e);
    }
}
