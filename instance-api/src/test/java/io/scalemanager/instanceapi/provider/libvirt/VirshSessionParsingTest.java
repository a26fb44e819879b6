package io.scalemanager.instanceapi.provider.libvirt;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VirshSession's reading of virsh's interactive output, without virsh: the transcript below is what
 * {@code virsh -q -c test:///default} printed for three commands, each followed by {@code echo MARKER}, with
 * stdin not a terminal (so virsh echoes every command after its prompt).
 */
class VirshSessionParsingTest {
    private static final String TRANSCRIPT = "virsh # dominfo test\n"
            + "Id:             1\n"
            + "Name:           test\n"
            + "UUID:           6695eb01-f6a4-8304-79aa-97f2502e193f\n"
            + "OS Type:        linux\n"
            + "State:          running\n"
            + "CPU(s):         2\n"
            + "Max memory:     8388608 KiB\n"
            + "Used memory:    2097152 KiB\n"
            + "Persistent:     yes\n"
            + "virsh # echo @@m-1@@\n"
            + "@@m-1@@virsh # dominfo nosuch\n"
            + "error: failed to get domain 'nosuch'\n"
            + "virsh # echo @@m-2@@\n"
            + "@@m-2@@virsh # setvcpus test 3 --config --maximum\n"
            + "virsh # echo @@m-3@@\n"
            + "@@m-3@@";

    @Test
    void theEchoedCommandIsNotTakenForTheMarkersOutput() {
        int at = VirshSession.markerOutput(TRANSCRIPT, "@@m-1@@", 0);

        assertThat(at).isEqualTo(TRANSCRIPT.indexOf("\n@@m-1@@") + 1);
    }

    @Test
    void aMarkerNotYetPrintedIsNotFound() {
        String soFar = TRANSCRIPT.substring(0, TRANSCRIPT.indexOf("\n@@m-1@@"));

        assertThat(VirshSession.markerOutput(soFar, "@@m-1@@", 0)).isEqualTo(-1);
        assertThat(VirshSession.markerOutput(soFar + "\n@@m-1", "@@m-1@@", 0)).as("half printed").isEqualTo(-1);
    }

    @Test
    void aCommandsOutputKeepsItsLinesWithoutPrompts() {
        String first = TRANSCRIPT.substring(0, VirshSession.markerOutput(TRANSCRIPT, "@@m-1@@", 0));

        VirshSession.Result result = VirshSession.parse(first);

        assertThat(result.failed()).isFalse();
        assertThat(result.output()).startsWith("Id:             1\n").contains("CPU(s):         2")
                .contains("Max memory:     8388608 KiB").endsWith("Persistent:     yes")
                .doesNotContain("virsh #").doesNotContain("@@");
    }

    @Test
    void errorLinesAreCollectedApartFromTheOutput() {
        int start = VirshSession.markerOutput(TRANSCRIPT, "@@m-1@@", 0) + "@@m-1@@".length();
        String second = TRANSCRIPT.substring(start, VirshSession.markerOutput(TRANSCRIPT, "@@m-2@@", start));

        VirshSession.Result result = VirshSession.parse(second);

        assertThat(result.failed()).isTrue();
        assertThat(result.error()).isEqualTo("failed to get domain 'nosuch'");
        assertThat(result.output()).isEmpty();
    }

    @Test
    void aSilentCommandSucceedsWithNoOutput() {
        int start = VirshSession.markerOutput(TRANSCRIPT, "@@m-2@@", 0) + "@@m-2@@".length();
        String third = TRANSCRIPT.substring(start, VirshSession.markerOutput(TRANSCRIPT, "@@m-3@@", start));

        VirshSession.Result result = VirshSession.parse(third);

        assertThat(result.failed()).isFalse();
        assertThat(result.output()).isEmpty();
    }

    @Test
    void severalErrorLinesAreJoined() {
        VirshSession.Result result = VirshSession.parse("virsh # setmem x 1\nerror: first\nerror: second  \n");

        assertThat(result.error()).isEqualTo("first; second");
    }
}
