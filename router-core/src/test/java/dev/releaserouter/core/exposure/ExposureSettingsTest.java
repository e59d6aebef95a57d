package dev.releaserouter.core.exposure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.core.testing.RecordingExposureSink;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExposureSettingsTest {

    private final ExposureSettings.Builder b =
            ExposureSettings.builder(new RecordingExposureSink());

    @Test
    void defaults_areHashedKeysAnHourlyWindowAndNoAttributes() {
        ExposureSettings s = b.build();

        assertThat(s.entityKeys()).isEqualTo(ExposureSettings.EntityKeys.HASHED);
        assertThat(s.hashKey()).isNull();
        assertThat(s.deduplicationWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(s.deduplicationCapacity()).isEqualTo(100_000);
        assertThat(s.queueCapacity()).isEqualTo(10_000);
        assertThat(s.attributes()).isEmpty();
    }

    @Test
    void badValues_areRefusedNamingTheFieldAndTheValue() {
        assertThatThrownBy(() -> b.deduplicationWindow(Duration.ofSeconds(-1)))
                .hasMessage("exposure deduplicationWindow must not be negative, but was PT-1S");
        assertThatThrownBy(() -> b.deduplicationCapacity(0))
                .hasMessage("exposure deduplicationCapacity must be at least 1, but was 0");
        assertThatThrownBy(() -> b.queueCapacity(-5))
                .hasMessage("exposure queueCapacity must be at least 1, but was -5");
        assertThatThrownBy(() -> b.hashEntityKeys(new byte[8]))
                .hasMessage("exposure hash key must be at least 16 bytes, but was 8 bytes");
        assertThatThrownBy(() -> b.attributes("plan", " "))
                .hasMessageContaining("non-blank").hasMessageContaining("' '");
        assertThatThrownBy(() -> b.closeTimeout(Duration.ofMillis(-1)))
                .hasMessageContaining("closeTimeout");
    }

    @Test
    void theHashKey_isCopiedInAndOut() {
        byte[] key = new byte[16];
        ExposureSettings s = b.hashEntityKeys(key).build();
        key[0] = 1;
        s.hashKey()[1] = 1;

        assertThat(s.hashKey()).containsOnly(0);
    }
}
