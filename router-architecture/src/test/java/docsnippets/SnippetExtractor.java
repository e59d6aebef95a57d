package docsnippets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the fenced {@code ```java} blocks of Markdown files and turns each into a Java
 * compilation unit, so that the documentation's snippets are compiled by the build
 * ({@code DocSnippetsCompileTest}) and by CI's newcomer smoke test
 * ({@code scripts/newcomer-smoke}, which runs this file as a single-file program).
 *
 * <p>The conventions (docs/architecture.md, "Documentation snippets are compiled"): a snippet's
 * {@code import} lines are its own. What follows them is
 *
 * <ul>
 *   <li>a <b>compilation unit</b> when it declares a top-level type (a class, record, interface
 *       or enum, optionally annotated): compiled as it is, in a package of its own;
 *   <li>otherwise a <b>method body</b>: wrapped in {@code void snippet() throws Exception} of a
 *       class that extends {@code docsnippets.SnippetContext}, whose fields and methods stand
 *       for what the prose says the reader has (their model {@code churnV1}, their
 *       {@code features}, a {@code RouterAdmin admin}, ...).
 * </ul>
 *
 * <p>An HTML comment on the line before the fence changes that: {@code <!-- snippet: members
 * -->} wraps the snippet as members of such a class (Spring {@code @Bean} methods),
 * {@code <!-- snippet: returns TYPE -->} wraps it as the body of a method returning TYPE, and
 * {@code <!-- snippet: skip REASON -->} leaves it out (the test lists and bounds those). Every
 * unit also imports {@code docsnippets.*}, the reader's own types ({@code Features},
 * {@code ChurnModel}, ...).
 *
 * <p>Usage as a program: {@code java SnippetExtractor.java OUT_DIR FILE.md...} writes the units
 * under {@code OUT_DIR} and prints one line per snippet.
 */
public final class SnippetExtractor {

    /** How a snippet is compiled. */
    public enum Kind { UNIT, BODY, MEMBERS, RETURNS, SKIP }

    /**
     * One extracted snippet.
     *
     * @param file the Markdown file, as given
     * @param line the 1-based line of the fence's first code line
     * @param index the snippet's 1-based index among the file's Java snippets
     * @param kind how it is compiled
     * @param argument the return type of RETURNS, the reason of SKIP, else empty
     * @param code the snippet's lines
     */
    public record Snippet(String file, int line, int index, Kind kind, String argument,
            List<String> code) {

        /** @return e.g. {@code README.md#3 (line 195)} */
        public String where() {
            return file + "#" + index + " (line " + line + ")";
        }

        /** @return the package the unit is generated in, unique per snippet */
        public String packageName() {
            String base = Path.of(file).getFileName().toString()
                    .replaceAll("\\.md$", "").toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9]", "_");
            return "docsnippets." + base + "_" + index;
        }
    }

    /**
     * A generated compilation unit.
     *
     * @param snippet its snippet
     * @param relativePath the path of the source under the output directory
     * @param source the source text
     * @param firstCodeLine the unit's 1-based line that holds the snippet's first line after its
     *     imports (line numbers map back to the Markdown file from there)
     * @param importLines the number of import lines the snippet starts with
     */
    public record Unit(Snippet snippet, String relativePath, String source, int firstCodeLine,
            int importLines) {

        /**
         * The Markdown line of a line of this unit.
         *
         * @param unitLine a 1-based line of the source
         * @return the 1-based line in the Markdown file
         */
        public long markdownLine(long unitLine) {
            long offset = unitLine - firstCodeLine;
            return snippet.line() + importLines + Math.max(offset, -importLines);
        }
    }

    private static final Pattern MARKER = Pattern.compile(
            "^\\s*<!--\\s*snippet:\\s*(members|returns|skip)\\b\\s*(.*?)\\s*-->\\s*$");
    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "^(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*(?:public\\s+|abstract\\s+|final\\s+)*"
                    + "(?:class|record|interface|enum)\\s+(\\w+)");

    private SnippetExtractor() {}

    /**
     * Reads the Java snippets of a Markdown file.
     *
     * @param file the file
     * @param displayName how the file is named in messages
     * @return its snippets in order
     * @throws UncheckedIOException if it cannot be read
     */
    public static List<Snippet> read(Path file, String displayName) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Snippet> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```java")) {
                continue;
            }
            Kind kind = null;
            String argument = "";
            if (i > 0) {
                Matcher m = MARKER.matcher(lines.get(i - 1));
                if (m.matches()) {
                    kind = Kind.valueOf(m.group(1).toUpperCase(Locale.ROOT));
                    argument = m.group(2);
                }
            }
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                end++;
            }
            List<String> code = List.copyOf(lines.subList(i + 1, end));
            if (kind == null) {
                kind = declaresType(code) ? Kind.UNIT : Kind.BODY;
            }
            out.add(new Snippet(displayName, i + 2, out.size() + 1, kind, argument, code));
            i = end;
        }
        return out;
    }

    /**
     * Turns a snippet into a compilation unit.
     *
     * @param s the snippet; not SKIP
     * @return the unit
     */
    public static Unit unit(Snippet s) {
        List<String> imports = new ArrayList<>();
        int n = 0;
        while (n < s.code().size() && (s.code().get(n).startsWith("import ")
                || s.code().get(n).isBlank())) {
            imports.add(s.code().get(n));
            n++;
        }
        List<String> rest = s.code().subList(n, s.code().size());
        StringBuilder src = new StringBuilder();
        src.append("package ").append(s.packageName()).append(";\n");
        src.append("// generated from ").append(s.where()).append(": do not edit\n");
        src.append("import docsnippets.*;\n");
        imports.forEach(l -> src.append(l).append('\n'));
        int first;
        String name;
        switch (s.kind()) {
            case UNIT -> {
                first = lineCount(src) + 1;
                rest.forEach(l -> src.append(l).append('\n'));
                name = firstTypeName(rest);
            }
            case BODY, RETURNS -> {
                name = "Snippet";
                src.append("@SuppressWarnings(\"all\")\n");
                src.append("class Snippet extends SnippetContext {\n");
                src.append("    ").append(s.kind() == Kind.BODY ? "void" : s.argument())
                        .append(" snippet() throws Exception {\n");
                first = lineCount(src) + 1;
                rest.forEach(l -> src.append(l).append('\n'));
                src.append("    }\n}\n");
            }
            case MEMBERS -> {
                name = "Snippet";
                src.append("@SuppressWarnings(\"all\")\n");
                src.append("class Snippet extends SnippetContext {\n");
                first = lineCount(src) + 1;
                rest.forEach(l -> src.append(l).append('\n'));
                src.append("}\n");
            }
            default -> throw new IllegalArgumentException("not compiled: " + s.where());
        }
        String path = s.packageName().replace('.', '/') + "/" + name + ".java";
        return new Unit(s, path, src.toString(), first, n);
    }

    private static int lineCount(CharSequence s) {
        return (int) s.chars().filter(c -> c == '\n').count();
    }

    private static boolean declaresType(List<String> code) {
        return code.stream().anyMatch(l -> TYPE_DECLARATION.matcher(l).find());
    }

    private static String firstTypeName(List<String> code) {
        for (String l : code) {
            Matcher m = TYPE_DECLARATION.matcher(l);
            if (m.find() && l.contains("public ")) {
                return m.group(1);
            }
        }
        // No public type: any file name will do; use the first type's.
        for (String l : code) {
            Matcher m = TYPE_DECLARATION.matcher(l);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new IllegalArgumentException("no type declared");
    }

    /**
     * Writes the units of the given Markdown files under a directory and prints one line per
     * snippet (its place, its kind, the unit's path).
     *
     * @param args the output directory, then the Markdown files
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: java SnippetExtractor.java OUT_DIR FILE.md...");
            System.exit(64);
        }
        Path out = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            for (Snippet s : read(Path.of(args[i]), args[i])) {
                if (s.kind() == Kind.SKIP) {
                    System.out.println(s.where() + " skip: " + s.argument());
                    continue;
                }
                Unit u = unit(s);
                Path target = out.resolve(u.relativePath());
                Files.createDirectories(target.getParent());
                Files.writeString(target, u.source(), StandardCharsets.UTF_8);
                System.out.println(s.where() + " " + s.kind().name().toLowerCase(Locale.ROOT)
                        + ": " + u.relativePath());
            }
        }
    }
}
