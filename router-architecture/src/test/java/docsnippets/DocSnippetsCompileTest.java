package docsnippets;

import static org.assertj.core.api.Assertions.assertThat;

import docsnippets.SnippetExtractor.Kind;
import docsnippets.SnippetExtractor.Snippet;
import docsnippets.SnippetExtractor.Unit;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Compiles every {@code ```java} snippet of README.md and docs/*.md against the modules, so the
 * documentation cannot drift from the API (issue 16). The conventions are
 * {@link SnippetExtractor}'s; a failure names the Markdown file and line.
 */
class DocSnippetsCompileTest {

    /**
     * Snippets that are not compiled, as "file: reason" (the reason is the marker's): adding one
     * means adding it here, so that the number stays visible and near zero.
     */
    private static final List<String> EXPECTED_SKIPS = List.of(
            "docs/spi.md: shows a Redis store and server fixture that are not in this"
                    + " repository");

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    private static List<Snippet> snippets() throws IOException {
        List<Snippet> all = new ArrayList<>();
        for (Path f : markdownFiles()) {
            all.addAll(SnippetExtractor.read(f, ROOT.relativize(f).toString()));
        }
        return all;
    }

    @Test
    void everyJavaSnippetOfTheReadmeAndTheDocs_compilesAgainstTheModules() throws IOException {
        List<Snippet> snippets = snippets();
        List<Unit> units = snippets.stream().filter(s -> s.kind() != Kind.SKIP)
                .map(SnippetExtractor::unit).toList();
        Path out = Path.of("target", "doc-snippets").toAbsolutePath();
        Path classes = out.resolve("classes");
        Files.createDirectories(classes);
        List<Path> sources = new ArrayList<>();
        for (Unit u : units) {
            Path src = out.resolve("src").resolve(u.relativePath());
            Files.createDirectories(src.getParent());
            Files.writeString(src, u.source(), StandardCharsets.UTF_8);
            sources.add(src);
        }

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok;
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics,
                Locale.ROOT, StandardCharsets.UTF_8)) {
            ok = compiler.getTask(new StringWriter(), files, diagnostics,
                    List.of("--release", "17", "-proc:none", "-implicit:none",
                            "-classpath", System.getProperty("java.class.path"),
                            "-d", classes.toString()),
                    null, files.getJavaFileObjectsFromPaths(sources)).call();
        }

        Map<String, Unit> byPath = units.stream().collect(Collectors.toMap(
                u -> out.resolve("src").resolve(u.relativePath()).toString(),
                Function.identity()));
        List<String> errors = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> {
                    Unit u = d.getSource() == null ? null
                            : byPath.get(Path.of(d.getSource().toUri()).toString());
                    String where = u == null ? String.valueOf(d.getSource())
                            : u.snippet().file() + ":" + u.markdownLine(d.getLineNumber())
                                    + " (" + u.snippet().where() + ")";
                    return where + ": " + d.getMessage(Locale.ROOT);
                })
                .toList();
        assertThat(errors).as("snippets that do not compile (generated sources under %s)",
                out.resolve("src")).isEmpty();
        assertThat(ok).isTrue();
        assertThat(units).as("compiled snippets").hasSizeGreaterThan(40);
    }

    @Test
    void onlyTheListedSnippetsAreLeftUncompiled_eachWithAReason() throws IOException {
        List<Snippet> skipped = snippets().stream().filter(s -> s.kind() == Kind.SKIP)
                .toList();

        assertThat(skipped).map(s -> s.file() + ": " + s.argument())
                .containsExactlyInAnyOrderElementsOf(EXPECTED_SKIPS);
        assertThat(skipped).allSatisfy(s -> assertThat(s.argument()).as(s.where())
                .isNotBlank());
    }
}
