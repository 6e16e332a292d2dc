package io.capmarket.schemas.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WrittenKeysTest {

    @Test
    void everyKeyAddedMayBeHeldAndKeysNeverAddedAlmostNeverAre() {
        WrittenKeys keys = new WrittenKeys("test store", WrittenKeys.MAX_KEYS, () -> {
        });
        Random random = new Random(7);
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            String key = new UUID(random.nextLong(), random.nextLong()).toString();
            added.add(key);
            keys.add(key);
        }

        assertThat(added).allMatch(keys::mayHold);
        int maybe = 0;
        for (int i = 0; i < 200_000; i++) {
            maybe += keys.mayHold(new UUID(random.nextLong(), random.nextLong()).toString()) ? 1 : 0;
        }
        // a key never added is said to be held only when an added one shares its 32-bit hash
        assertThat(maybe).isLessThan(20);
        assertThat(keys.size()).isBetween(199_990, 200_000);
        assertThat(keys.full()).isFalse();
    }

    @Test
    void aKeyAddedTwiceCountsOnceAndAKeyHashingToZeroIsHeldApart() {
        WrittenKeys keys = new WrittenKeys("test store", WrittenKeys.MAX_KEYS, () -> {
        });
        assertThat("".hashCode()).isZero();

        assertThat(keys.mayHold("")).isFalse();
        assertThat(keys.mayHold("a")).isFalse();
        keys.add("a");
        keys.add("a");
        keys.add("");

        assertThat(keys.mayHold("")).isTrue();
        assertThat(keys.mayHold("a")).isTrue();
        assertThat(keys.mayHold("b")).isFalse();
        assertThat(keys.size()).isEqualTo(1);
    }

    @Test
    void aReaderOnAnotherThreadFindsEveryKeyAddedBeforeItAskedWhileTheTableGrows() throws InterruptedException {
        WrittenKeys keys = new WrittenKeys("test store", WrittenKeys.MAX_KEYS, () -> {
        });
        String[] ids = IntStream.range(0, 300_000).mapToObj(i -> "request-" + i).toArray(String[]::new);
        AtomicInteger added = new AtomicInteger();
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger missed = new AtomicInteger();
        Thread reader = new Thread(() -> {
            Random random = new Random(3);
            for (int upTo = added.get(); upTo < ids.length; upTo = added.get()) {
                if (upTo > 0) {
                    asked.incrementAndGet();
                    missed.addAndGet(keys.mayHold(ids[random.nextInt(upTo)]) ? 0 : 1);
                }
            }
        });
        reader.start();
        for (String id : ids) {
            keys.add(id);
            added.incrementAndGet();
        }
        reader.join();

        assertThat(asked.get()).isPositive();
        assertThat(missed).hasValue(0);
        assertThat(keys.size()).isEqualTo(ids.length);
    }

    @Test
    void pastItsBoundEveryKeyMayBeHeldAndTheBoundIsToldOnce() {
        AtomicInteger told = new AtomicInteger();
        WrittenKeys keys = new WrittenKeys("test store", 100, told::incrementAndGet);
        for (int i = 0; i < 100; i++) {
            keys.add("request-" + i);
        }
        assertThat(keys.full()).isFalse();
        assertThat(keys.mayHold("never-written")).isFalse();

        keys.add("request-100");
        keys.add("request-101");

        assertThat(keys.full()).isTrue();
        assertThat(told).hasValue(1);
        assertThat(keys.mayHold("never-written")).isTrue();
        assertThat(keys.mayHold("request-0")).isTrue();
    }
}
