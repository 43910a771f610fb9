package dev.sluice.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CustomIdsTest {

    @Test
    void findsEveryRepeatWithItsFirstLineAndNoFalseOneAmongAMillionIds() {
        CustomIds ids = new CustomIds();
        for (int line = 1; line <= 1_000_000; line++) {
            assertThat(ids.firstUse("c" + line, line)).isZero();
        }
        assertThat(ids.firstUse("c1", 1_000_001)).isEqualTo(1);
        assertThat(ids.firstUse("c777777", 1_000_002)).isEqualTo(777_777);
        assertThat(ids.firstUse("c1000000", 1_000_003)).isEqualTo(1_000_000);
        assertThat(ids.firstUse("", 1_000_004)).isZero();
        assertThat(ids.firstUse("", 1_000_005)).isEqualTo(1_000_004);
    }
}
