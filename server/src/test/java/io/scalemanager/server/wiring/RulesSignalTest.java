package io.scalemanager.server.wiring;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RulesSignalTest {

    @Test
    void hangupSentToThisProcessRunsTheReload() throws Exception {
        AtomicInteger reloads = new AtomicInteger();
        RulesSignal.onHangup(reloads::incrementAndGet);

        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid()))
                .inheritIO().start();
        assertThat(kill.waitFor()).isZero();

        await().atMost(Duration.ofSeconds(30)).until(() -> reloads.get() == 1);
    }
}
