package io.scalemanager.agent.buffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DiskBufferTest {
    @TempDir
    Path dir;

    private static List<String> contents(List<DiskBuffer.Report> reports) {
        return reports.stream().map(DiskBuffer.Report::states).toList();
    }

    @Test
    void reportsSurviveARestartAndDrainInTheOrderTaken() throws Exception {
        DiskBuffer first = new DiskBuffer(dir, 1 << 20);
        for (int i = 0; i < 12; i++) {
            first.append("{\"n\":" + i + "}");
        }
        first.remove(first.peek(2, Long.MAX_VALUE));

        DiskBuffer second = new DiskBuffer(dir, 1 << 20);
        second.append("{\"n\":12}");
        assertThat(contents(second.peek(100, Long.MAX_VALUE)))
                .containsExactly("{\"n\":2}", "{\"n\":3}", "{\"n\":4}", "{\"n\":5}", "{\"n\":6}", "{\"n\":7}",
                        "{\"n\":8}", "{\"n\":9}", "{\"n\":10}", "{\"n\":11}", "{\"n\":12}");
    }

    @Test
    void fullBufferDropsTheOldestAndCountsThemAcrossRestarts() throws Exception {
        DiskBuffer buffer = new DiskBuffer(dir, 3 * 4096);
        for (int i = 0; i < 5; i++) {
            buffer.append("{\"r" + i + "\"}");
        }
        assertThat(contents(buffer.peek(10, Long.MAX_VALUE))).containsExactly("{\"r2\"}", "{\"r3\"}", "{\"r4\"}");
        assertThat(buffer.dropped()).isEqualTo(2);

        DiskBuffer reopened = new DiskBuffer(dir, 3 * 4096);
        assertThat(reopened.dropped()).isEqualTo(2);
        assertThat(reopened.bytes()).isEqualTo(3 * 4096);
        reopened.append("{\"r5\"}");
        assertThat(reopened.dropped()).isEqualTo(3);
        assertThat(contents(reopened.peek(10, Long.MAX_VALUE))).containsExactly("{\"r3\"}", "{\"r4\"}", "{\"r5\"}");
    }

    @Test
    void reportsOnTheirWayAreNotDroppedButTheNextOldestAre() throws Exception {
        DiskBuffer buffer = new DiskBuffer(dir, 3 * 4096);
        buffer.append("{\"r0\"}");
        buffer.append("{\"r1\"}");
        buffer.append("{\"r2\"}");
        List<DiskBuffer.Report> sending = buffer.peek(1, Long.MAX_VALUE);
        buffer.append("{\"r3\"}");
        assertThat(contents(buffer.peek(10, Long.MAX_VALUE))).containsExactly("{\"r0\"}", "{\"r2\"}", "{\"r3\"}");
        assertThat(buffer.dropped()).isEqualTo(1);

        buffer.peek(1, Long.MAX_VALUE);
        buffer.release();
        buffer.append("{\"r4\"}");
        assertThat(contents(buffer.peek(10, Long.MAX_VALUE))).as("released: the oldest goes again")
                .containsExactly("{\"r2\"}", "{\"r3\"}", "{\"r4\"}");
        buffer.remove(sending);
        assertThat(buffer.size()).isEqualTo(3);
    }

    @Test
    void peekStopsAtTheSizeLimitButAlwaysReturnsOneReport() throws Exception {
        DiskBuffer buffer = new DiskBuffer(dir, 1 << 20);
        buffer.append("{" + "a".repeat(98) + "}");
        buffer.append("{" + "b".repeat(98) + "}");
        assertThat(buffer.peek(10, 150)).hasSize(1);
        assertThat(buffer.peek(10, 10)).hasSize(1);
        assertThat(buffer.peek(10, 200)).hasSize(2);
        assertThat(buffer.peek(1, 200)).hasSize(1);
    }

    @Test
    void leftoverTempFileOfACrashedWriteIsIgnored() throws Exception {
        DiskBuffer buffer = new DiskBuffer(dir, 1 << 20);
        buffer.append("{kept}");
        Files.writeString(dir.resolve("reports").resolve("00000000000000000001.json.tmp"), "half a rep");
        DiskBuffer reopened = new DiskBuffer(dir, 1 << 20);
        assertThat(contents(reopened.peek(10, Long.MAX_VALUE))).containsExactly("{kept}");
        assertThat(dir.resolve("reports").resolve("00000000000000000001.json.tmp")).doesNotExist();
    }

    @Test
    void shippedReportsLeaveNoFileBehind() throws Exception {
        DiskBuffer buffer = new DiskBuffer(dir, 1 << 20);
        buffer.append("{x}");
        buffer.append("{y}");
        buffer.remove(buffer.peek(10, Long.MAX_VALUE));
        assertThat(buffer.size()).isZero();
        assertThat(buffer.bytes()).isZero();
        try (var files = Files.list(dir.resolve("reports"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void foreignAndDamagedFilesAreMovedAsideNotFatal() throws Exception {
        DiskBuffer buffer = new DiskBuffer(dir, 1 << 20);
        buffer.append("{\"n\":1}");
        Path reports = dir.resolve("reports");
        Files.writeString(reports.resolve("notes.txt"), "someone's file");
        Files.writeString(reports.resolve("abc.json"), "{}");
        Files.write(reports.resolve("00000000000000000007.json"), new byte[] {(byte) 0xff, (byte) 0xfe, '{'});
        Files.writeString(reports.resolve("00000000000000000008.json"), "half a rep");
        Files.createDirectory(reports.resolve("00000000000000000009.json"));
        Files.writeString(dir.resolve("dropped"), "not a number");

        DiskBuffer reopened = new DiskBuffer(dir, 1 << 20);

        assertThat(contents(reopened.peek(10, Long.MAX_VALUE))).containsExactly("{\"n\":1}");
        assertThat(reopened.dropped()).isZero();
        try (var left = Files.list(reports)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("00000000000000000000.json");
        }
        try (var aside = Files.list(dir.resolve("aside"))) {
            assertThat(aside.map(p -> p.getFileName().toString().replaceAll("\\.\\d+$", "")))
                    .containsExactlyInAnyOrder("notes.txt", "abc.json", "00000000000000000007.json",
                            "00000000000000000008.json", "00000000000000000009.json", "dropped");
        }
        reopened.append("{\"n\":2}");
        assertThat(reopened.size()).isEqualTo(2);
    }
}
