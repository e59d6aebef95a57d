package dev.releaserouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The startup check of jackson-annotations against Jackson 3 databind: an old annotations jar
 * (2.20, copied by the build into target/old-jackson, loaded in its own class loader) is refused
 * with a message naming the artifact to align.
 */
class JacksonAlignmentTest {

    private static final Path OLD = Path.of("target", "old-jackson",
            "jackson-annotations-old.jar");

    @Test
    void theBuildsOwnAnnotations_pass_andAreTheRequiredVersion() {
        assertThatCode(() -> JacksonAlignment.check(getClass().getClassLoader()))
                .doesNotThrowAnyException();
        assertThat(JsonProperty.class.getPackage().getImplementationVersion())
                .isEqualTo(JacksonAlignment.REQUIRED_VERSION);
    }

    @Test
    void anOlderAnnotationsJar_isRefused_namingTheArtifactTheVersionsAndTheFix()
            throws Exception {
        assertThat(OLD).exists();
        try (URLClassLoader old = new URLClassLoader(new URL[] {OLD.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> JacksonAlignment.check(old))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("com.fasterxml.jackson.core:jackson-annotations 2.22"
                            + " or newer, but the class path has jackson-annotations 2.20 (")
                    .hasMessageContaining("jackson-annotations-old.jar")
                    .hasMessageContaining("import dev.releaserouter:router-bom")
                    .hasMessageContaining("dependency:tree");
        }
    }

    @Test
    void noAnnotationsAtAll_isRefused_namingTheArtifact() throws Exception {
        try (URLClassLoader none = new URLClassLoader(new URL[0],
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> JacksonAlignment.check(none))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("com.fasterxml.jackson.core:jackson-annotations is not"
                            + " on the class path");
        }
    }

    @Test
    void routerBom_managesTheRequiredAnnotationsVersion() throws Exception {
        String bom = Files.readString(Path.of("..", "router-bom", "pom.xml"));

        assertThat(bom.replaceAll("\\s+", "")).contains("<groupId>com.fasterxml.jackson.core"
                + "</groupId><artifactId>jackson-annotations</artifactId><version>"
                + JacksonAlignment.REQUIRED_VERSION + "</version>");
    }
}
