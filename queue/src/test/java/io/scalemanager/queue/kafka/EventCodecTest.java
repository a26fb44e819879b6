package io.scalemanager.queue.kafka;

import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {
    private final Event event = new Event(1_750_000_000_123_456L,
            new State("web-01.example.org:8080/vm@eu", "load", 3.25, 1_750_000_000_120L));

    @Test
    void decodesWhatItEncoded() {
        byte[] bytes = EventCodec.encode(event);

        assertThat(EventCodec.decode(bytes)).isEqualTo(event);
        assertThat(bytes.length).isEqualTo(27 + "load".length() + event.instance().length());
        assertThat(new String(EventCodec.key(event), StandardCharsets.UTF_8)).isEqualTo(event.instance());
    }

    @Test
    void keepsExtremeValuesExactly() {
        Event extreme = new Event(Long.MAX_VALUE, new State("i", "t", -Double.MAX_VALUE, Long.MIN_VALUE));

        assertThat(EventCodec.decode(EventCodec.encode(extreme))).isEqualTo(extreme);
    }

    @Test
    void rejectsUnknownVersion() {
        byte[] bytes = EventCodec.encode(event);
        bytes[0] = 9;

        assertThatThrownBy(() -> EventCodec.decode(bytes))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("unknown encoding version 9");
    }

    @Test
    void rejectsTruncatedAndTrailingBytes() {
        byte[] bytes = EventCodec.encode(event);

        assertThatThrownBy(() -> EventCodec.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("ends early");
        assertThatThrownBy(() -> EventCodec.decode(Arrays.copyOf(bytes, bytes.length + 1)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("left after the event");
        assertThatThrownBy(() -> EventCodec.decode(new byte[0]))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("empty");
    }

    @Test
    void rejectsGarbage() {
        byte[] text = "{\"instance\":\"web-01\"}".getBytes(StandardCharsets.UTF_8);
        byte[] badId = EventCodec.encode(new Event(1, new State("ok", "load", 1, 1)));
        badId[badId.length - 1] = ' ';
        byte[] notFinite = EventCodec.encode(new Event(1, new State("ok", "load", Double.NaN, 1)));

        assertThatThrownBy(() -> EventCodec.decode(text)).isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> EventCodec.decode(badId))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("instance character U+0020");
        assertThatThrownBy(() -> EventCodec.decode(notFinite))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("not finite");
    }
}
