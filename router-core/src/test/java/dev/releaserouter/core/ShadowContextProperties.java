package dev.releaserouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.shadow.Predictor;
import dev.releaserouter.api.shadow.ShadowContext;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Whatever nesting of shadow calls and failures, the flag is true inside every shadow call and
 * back to false once the outermost returns or throws.
 */
class ShadowContextProperties {

    /** Nested calls, one per element; a true element throws at that depth. */
    private static Predictor<Integer, Integer> nest(List<Boolean> throwsAt) {
        return depth -> {
            assertThat(ShadowContext.isShadow()).isTrue();
            if (throwsAt.get(depth)) {
                throw new IllegalStateException("at " + depth);
            }
            if (depth + 1 < throwsAt.size()) {
                try {
                    ShadowContext.predictAsShadow(nest(throwsAt), depth + 1);
                } catch (IllegalStateException e) {
                    // an inner failure: the flag must still be set at this depth
                }
                assertThat(ShadowContext.isShadow()).isTrue();
            }
            return depth;
        };
    }

    @Property(tries = 200)
    void flag_isSetInsideAndRestoredAfter(@ForAll @Size(min = 1, max = 6) List<Boolean> throwsAt) {
        assertThat(ShadowContext.isShadow()).isFalse();
        try {
            ShadowContext.predictAsShadow(nest(throwsAt), 0);
        } catch (Exception e) {
            assertThat(e).isInstanceOf(IllegalStateException.class);
        }
        assertThat(ShadowContext.isShadow()).isFalse();
    }
}
