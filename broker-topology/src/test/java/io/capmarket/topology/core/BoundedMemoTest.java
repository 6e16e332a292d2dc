package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedMemoTest {

    @Test
    void worksOutEachKeyOnceUntilTheBoundEmptiesIt() {
        AtomicInteger calls = new AtomicInteger();
        BoundedMemo<String, Integer> lengths = BoundedMemo.byEquality(2, key -> {
            calls.incrementAndGet();
            return key.length();
        });

        assertThat(lengths.get("ab")).isEqualTo(2);
        assertThat(lengths.get(new String("ab"))).isEqualTo(2);
        assertThat(lengths.get("abc")).isEqualTo(3);
        assertThat(calls).hasValue(2);
        assertThat(lengths.get("abcd")).as("past its bound it starts again").isEqualTo(4);
        assertThat(lengths.size()).isEqualTo(1);
        assertThat(lengths.get("ab")).isEqualTo(2);
        assertThat(calls).hasValue(4);
    }

    @Test
    void byIdentityTellsEqualKeysApart() {
        AtomicInteger calls = new AtomicInteger();
        BoundedMemo<String, Integer> memo = BoundedMemo.byIdentity(10, key -> calls.incrementAndGet());
        String one = new String("x");

        assertThat(memo.get(one)).isEqualTo(1);
        assertThat(memo.get(one)).isEqualTo(1);
        assertThat(memo.get(new String("x"))).isEqualTo(2);
    }
}
