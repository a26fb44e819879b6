package io.scalemanager.manager.actionlog;

import io.scalemanager.core.sizing.Component;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ActionLocksTest {

    @Test
    void unknownLockIsNotKnownBlocked() {
        assertThat(new ActionLocks().knownBlocked("web-1", Component.RAM, Direction.UP, 0)).isFalse();
    }

    @Test
    void rememberedLockBlocksUntilItsEndAndIsThenForgotten() {
        ActionLocks locks = new ActionLocks();
        locks.remember("web-1", Component.RAM, 1_000, 0);

        assertThat(locks.knownBlocked("web-1", Component.RAM, Direction.UP, 999)).isTrue();
        assertThat(locks.knownBlocked("web-1", Component.CPU, Direction.UP, 999)).isFalse();
        assertThat(locks.knownBlocked("web-2", Component.RAM, Direction.UP, 999)).isFalse();
        assertThat(locks.knownBlocked("web-1", Component.RAM, Direction.UP, 1_000)).isFalse();
        assertThat(locks.knownBlocked("web-1", Component.RAM, Direction.DOWN, 1_000)).isFalse();
        assertThat(locks.size()).isZero();
    }

    @Test
    void aRunningActionIsBelievedForTheRecheckIntervalThenTheDatabaseIsAskedAgain() {
        ActionLocks locks = new ActionLocks();
        locks.remember("web-1", Component.RAM, Long.MAX_VALUE, 1_000);

        assertThat(locks.knownBlocked("web-1", Component.RAM, Direction.UP, 1_000 + ActionLocks.RECHECK_MS - 1)).isTrue();
        assertThat(locks.knownBlocked("web-1", Component.RAM, Direction.UP, 1_000 + ActionLocks.RECHECK_MS)).isFalse();
    }

    @Test
    void aNewerAnswerReplacesTheRememberedOne() {
        ActionLocks locks = new ActionLocks();
        locks.remember("web-1", Component.RAM, Long.MAX_VALUE, 0);
        locks.remember("web-1", Component.RAM, 5_000, 0);

        assertThat(locks.knownBlocked("web-1", Component.RAM, Direction.UP, 4_999)).isTrue();
        assertThat(locks.knownBlocked("web-1", Component.RAM, Direction.UP, 5_000)).isFalse();
    }

    @Test
    void instanceIdsThatConcatenateAlikeDoNotShareALock() {
        ActionLocks locks = new ActionLocks();
        locks.remember("web-1r", Component.CPU, 1_000, 0);

        assertThat(locks.knownBlocked("web-1", Component.RAM, Direction.UP, 0)).isFalse();
    }

    @Test
    void directionsAreRememberedApart() {
        ActionLocks locks = new ActionLocks();
        locks.remember("web-1", Component.CPU, Direction.DOWN, 5_000, 0);

        assertThat(locks.knownBlocked("web-1", Component.CPU, Direction.DOWN, 1_000)).isTrue();
        assertThat(locks.knownBlocked("web-1", Component.CPU, Direction.SET, 1_000)).isTrue();
        assertThat(locks.knownBlocked("web-1", Component.CPU, Direction.UP, 1_000)).isFalse();

        locks.forget("web-1", Component.CPU);
        assertThat(locks.knownBlocked("web-1", Component.CPU, Direction.DOWN, 1_000)).isFalse();
    }
}
