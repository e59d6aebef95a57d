package dev.releaserouter.api.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;

class ShadowV2Test {

    @ShadowV2(model = "churn", candidate = "churnV2")
    double score(String customerId) {
        return 0.1;
    }

    @Test
    void isReadableAtRuntime_onMethodsOnly() {
        assertThat(ShadowV2.class.getAnnotation(Retention.class).value())
                .isEqualTo(RetentionPolicy.RUNTIME);
        assertThat(ShadowV2.class.getAnnotation(Target.class).value())
                .containsExactly(ElementType.METHOD);
    }

    @Test
    void defaults_nameVersionsV1AndV2_andLeaveMethodAndExpressionsToTheIntegration()
            throws Exception {
        ShadowV2 a = ShadowV2Test.class.getDeclaredMethod("score", String.class)
                .getAnnotation(ShadowV2.class);
        assertThat(a.model()).isEqualTo("churn");
        assertThat(a.candidate()).isEqualTo("churnV2");
        assertThat(a.method()).isEmpty();
        assertThat(a.stableVersion()).isEqualTo("v1");
        assertThat(a.candidateVersion()).isEqualTo("v2");
        assertThat(a.entityKey()).isEmpty();
        assertThat(a.tenant()).isEmpty();
    }
}
