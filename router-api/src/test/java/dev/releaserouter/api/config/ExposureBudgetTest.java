package dev.releaserouter.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExposureBudgetTest {

    @Test
    void valueShareOnly_hasNoRequestLimitNorWindow() {
        ExposureBudget b = ExposureBudget.builder().maxValueShare(0.05).build();

        assertThat(b.limitsRequests()).isFalse();
        assertThat(b.maxRequests()).isEmpty();
        assertThat(b.window()).isEmpty();
        assertThat(b.limitsValueShare()).isTrue();
        assertThat(b.maxValueShare()).hasValue(0.05);
    }

    @Test
    void windowedRequestLimit_hasRequestsAndWindow_andNoValueShare() {
        ExposureBudget b = ExposureBudget.builder().maxRequests(100)
                .window(Duration.ofMinutes(5)).build();

        assertThat(b.maxRequests()).hasValue(100);
        assertThat(b.window()).contains(Duration.ofMinutes(5));
        assertThat(b.limitsValueShare()).isFalse();
        assertThat(b.maxValueShare()).isEmpty();
        assertThat(b.toString()).isEqualTo("ExposureBudget{maxRequests=100, window=PT5M}");
    }

    @Test
    void zeroRequests_isALimit_notUnlimited() {
        ExposureBudget b = ExposureBudget.builder().maxRequests(0).build();

        assertThat(b.maxRequests()).hasValue(0);
        assertThat(b.limitsRequests()).isTrue();
    }
}
