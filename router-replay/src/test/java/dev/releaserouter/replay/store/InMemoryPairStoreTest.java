package dev.releaserouter.replay.store;

import static dev.releaserouter.replay.store.Pairs.pair;
import static dev.releaserouter.replay.store.Pairs.pairs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.shadow.ShadowPair;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryPairStoreTest {

    @Test
    void keepsTheFirstPairsUpToCapacity_thenDropsAndCounts() {
        InMemoryPairStore store = PairStores.inMemory(3);

        for (int i = 0; i < 5; i++) {
            assertThat(store.append(pair(i))).isEqualTo(i < 3);
        }

        assertThat(store.pairs()).containsExactlyElementsOf(pairs(3));
        assertThat(store.dropped()).isEqualTo(2);
    }

    @Test
    void pairs_isACopy() {
        InMemoryPairStore store = PairStores.inMemory(3);
        store.append(pair(0));
        List<ShadowPair> before = store.pairs();

        store.append(pair(1));

        assertThat(before).hasSize(1);
        assertThatThrownBy(() -> before.add(pair(2)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void afterClose_dropsButKeepsWhatItHas() {
        InMemoryPairStore store = PairStores.inMemory(3);
        store.append(pair(0));
        store.close();

        assertThat(store.append(pair(1))).isFalse();
        assertThat(store.dropped()).isEqualTo(1);
        assertThat(store.pairs()).containsExactly(pair(0));
    }

    @Test
    void capacityMustBePositive() {
        assertThatThrownBy(() -> PairStores.inMemory(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be positive, but was 0");
    }
}
