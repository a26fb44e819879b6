package io.scalemanager.manager.actionlog;

import io.scalemanager.core.sizing.Component;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ActionLocksTest {

    @Test
    void unknownLockIsNotKnownBlocked() {
        assertThat(new ActionLocks().knownBlocked("web-1", Component.RAM, 0)).isFalse();
    }

    @Test
    void rememberedLockBlocksUntilItsEndAndIsThenForgotten() {
        ActionLocks locks = new ActionLocks();
        locks.remember("web-1", Component.RAM, 1_000, 0);

        assertThat(locks.knownBlocked("web-1", Component.RAM, 999)).isTrue();
        assertThat(locks.knownBlocked("web-1", Component.CPU, 999)).isFalse();
        assertThat(locks.knownBlocked("web-2", Component.RAM, 999)).isFalse();
        assertThat(locks.knownBlocked("web-1", Component.RAM, 1_000)).isFalse();
        assertThat(locks.size()).isZero();
    }

    @Test
    void aRunningActionIsBelievedForTheRecheckIntervalThenTheDatabaseIsAskedAgain() {
        ActionLocks locks = new ActionLocks();
        locks.remember("web-1", Component.RAM, Long.MAX_VALUE, 1_000);

        assertThat(locks.knownBlocked("web-1", Component.RAM, 1_000 + ActionLocks.RECHECK_MS - 1)).isTrue();
        assertThat(locks.knownBlocked("web-1", Component.RAM, 1_000 + ActionLocks.RECHECK_MS)).isFalse();
    }

    @Test
    void aNewerAnswerReplacesTheRememberedOne() {
        ActionLocks locks = new ActionLocks();
        locks.remember("web-1", Component.RAM, Long.MAX_VALUE, 0);
        locks.remember("web-1", Component.RAM, 5_000, 0);

        assertThat(locks.knownBlocked("web-1", Component.RAM, 4_999)).isTrue();
        assertThat(locks.knownBlocked("web-1", Component.RAM, 5_000)).isFalse();
    }

    @Test
    void instanceIdsThatConcatenateAlikeDoNotShareALock() {
        ActionLocks locks = new ActionLocks();
        locks.remember("web-1r", Component.CPU, 1_000, 0);

        assertThat(locks.knownBlocked("web-1", Component.RAM, 0)).isFalse();
    }
}
