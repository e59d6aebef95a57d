package dev.releaserouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class StringTableTest {

    @Property
    void contains_exactlyTheStringsItWasBuiltFrom(
            @ForAll @Size(max = 200) Set<String> members,
            @ForAll @Size(max = 50) List<String> probes) {
        StringTable table = StringTable.of(members);

        assertThat(table.size()).isEqualTo(members.size());
        for (String m : members) {
            assertThat(table.contains(m)).as(m).isTrue();
        }
        for (String p : probes) {
            assertThat(table.contains(p)).as(p).isEqualTo(members.contains(p));
        }
    }

    @Test
    void duplicates_areKeptOnce_andNullIsNeverContained() {
        StringTable table = StringTable.of(List.of("a", "b", "a"));

        assertThat(table.size()).isEqualTo(2);
        assertThat(table.contains(null)).isFalse();
        assertThat(StringTable.of(List.of()).contains("a")).isFalse();
    }

    @Test
    void aLargeListCompiledAgain_getsTheSameTable_anEqualButOtherListItsOwn() {
        Set<String> large = new HashSet<>();
        for (int i = 0; i < StringTable.REMEMBERED_SIZE; i++) {
            large.add("t-" + i);
        }
        Set<String> frozen = Set.copyOf(large);

        assertThat(StringTable.of(frozen)).isSameAs(StringTable.of(frozen));
        assertThat(StringTable.of(Set.copyOf(large))).as("another object, same strings")
                .isNotSameAs(StringTable.of(frozen));
        assertThat(StringTable.of(List.of("a"))).as("small lists are rebuilt")
                .isNotSameAs(StringTable.of(List.of("a")));
    }

    @Test
    void consecutiveNames_inAMillionEntryTable_areFoundAndMissesEnd() {
        // Names with consecutive hash codes: the case that made the JDK's immutable set slow.
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 1_000_000; i++) {
            names.add("vip-tenant-" + i);
        }
        StringTable table = StringTable.of(names);

        assertThat(table.size()).isEqualTo(1_000_000);
        assertThat(table.contains("vip-tenant-0")).isTrue();
        assertThat(table.contains("vip-tenant-999999")).isTrue();
        Set<String> misses = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            misses.add("tenant-" + i);
        }
        assertThat(misses).noneMatch(table::contains);
    }
}
