package io.scalemanager.queue.kafka;

import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.Identifier;
import io.scalemanager.core.state.State;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of an event in a Kafka record: a version byte, then seq, timestamp (ms) and value as 8 bytes each,
 * then type and instance as a length byte and UTF-8. About 60 bytes for usual ids; the record key is the
 * instance id alone so that Kafka tools and compaction see it.
 */
public final class EventCodec {
    static final byte VERSION = 1;
    private static final int FIXED_SIZE = 1 + 8 + 8 + 8 + 1 + 1;
    private static final int MAX_ID_BYTES = 255;

    private EventCodec() {
    }

    public static byte[] key(Event event) {
        return event.instance().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] encode(Event event) {
        State state = event.state();
        byte[] type = idBytes("type", state.type());
        byte[] instance = idBytes("instance", state.instance());
        ByteBuffer out = ByteBuffer.allocate(FIXED_SIZE + type.length + instance.length);
        out.put(VERSION)
                .putLong(event.seq())
                .putLong(state.timestampMs())
                .putDouble(state.value())
                .put((byte) type.length).put(type)
                .put((byte) instance.length).put(instance);
        return out.array();
    }

    /** The event in these bytes; a {@link MalformedEventException} says why when they are not one. */
    public static Event decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedEventException("empty record value");
        }
        if (bytes[0] != VERSION) {
            throw new MalformedEventException("unknown encoding version " + bytes[0] + " (this reader knows " + VERSION + ")");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        try {
            long seq = in.getLong();
            long timestampMs = in.getLong();
            double value = in.getDouble();
            String type = id(in, Identifier.TYPE, "type");
            String instance = id(in, Identifier.INSTANCE, "instance");
            if (in.hasRemaining()) {
                throw new MalformedEventException(in.remaining() + " bytes left after the event");
            }
            if (!Double.isFinite(value)) {
                throw new MalformedEventException("value " + value + " is not finite");
            }
            return new Event(seq, new State(instance, type, value, timestampMs));
        } catch (BufferUnderflowException e) {
            throw new MalformedEventException("record value ends early (" + bytes.length + " bytes)");
        }
    }

    private static byte[] idBytes(String what, String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_ID_BYTES) {
            throw new IllegalArgumentException(
                    what + " is " + bytes.length + " bytes in UTF-8; at most " + MAX_ID_BYTES + " fit");
        }
        return bytes;
    }

    private static String id(ByteBuffer in, Identifier rules, String what) {
        int length = Byte.toUnsignedInt(in.get());
        ByteBuffer slice = in.slice();
        if (slice.remaining() < length) {
            throw new BufferUnderflowException();
        }
        slice.limit(length);
        in.position(in.position() + length);
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice);
            text = chars.toString();
        } catch (CharacterCodingException e) {
            throw new MalformedEventException(what + " is not valid UTF-8");
        }
        // The collector only publishes valid ids, so an invalid one means the bytes are not ours.
        String problem = rules.problem(text);
        if (problem != null) {
            throw new MalformedEventException(what + " " + problem);
        }
        return text;
    }
}
