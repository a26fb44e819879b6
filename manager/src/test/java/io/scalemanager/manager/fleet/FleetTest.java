package io.scalemanager.manager.fleet;

import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FleetTest {
    private final Fleet fleet = new Fleet();
    private long seq = 1;

    private void record(String instance, String type, double value, long timestampMs) {
        fleet.record(new Event(seq++, new State(instance, type, value, timestampMs)));
    }

    @Test
    void remembersLastSeenAndLatestValuePerType() {
        record("web-1", "ram", 50, 1_000);
        record("web-1", "cpu", 20, 2_000);
        record("web-1", "ram", 60, 3_000);

        assertThat(fleet.list(null, 10)).singleElement().satisfies(v -> {
            assertThat(v.instance()).isEqualTo("web-1");
            assertThat(v.lastSeenMs()).isEqualTo(3_000);
            assertThat(v.values()).isEqualTo(Map.of("ram", 60.0, "cpu", 20.0));
        });
    }

    @Test
    void olderStateArrivingLateChangesNeitherValueNorLastSeen() {
        record("web-1", "ram", 60, 3_000);
        record("web-1", "ram", 50, 1_000);

        Fleet.InstanceView v = fleet.list(null, 10).get(0);
        assertThat(v.lastSeenMs()).isEqualTo(3_000);
        assertThat(v.values()).containsEntry("ram", 60.0);
    }

    @Test
    void listsInIdOrderPagedAfterAnIdWithinTheLimit() {
        for (String id : new String[] {"web-3", "db-1", "web-1", "web-2"}) {
            record(id, "ram", 1, 1_000);
        }

        assertThat(fleet.size()).isEqualTo(4);
        assertThat(fleet.list(null, 10)).extracting(Fleet.InstanceView::instance)
                .containsExactly("db-1", "web-1", "web-2", "web-3");
        assertThat(fleet.list(null, 2)).extracting(Fleet.InstanceView::instance).containsExactly("db-1", "web-1");
        assertThat(fleet.list("web-1", 2)).extracting(Fleet.InstanceView::instance).containsExactly("web-2", "web-3");
        assertThat(fleet.list("web-3", 2)).isEmpty();
        assertThat(fleet.list(null, 0)).isEmpty();
    }

    @Test
    void viewIsASnapshot() {
        record("web-1", "ram", 50, 1_000);
        Fleet.InstanceView before = fleet.list(null, 1).get(0);

        record("web-1", "ram", 70, 2_000);

        assertThat(before.values()).containsEntry("ram", 50.0);
        assertThat(fleet.list(null, 1).get(0).values()).containsEntry("ram", 70.0);
    }

    @Test
    void forgetsTheInstancesAnotherManagerNowWatches() {
        record("web-1", "ram", 50, 1_000);
        record("web-2", "ram", 50, 1_000);

        fleet.forget(instance -> instance.equals("web-1"));

        assertThat(fleet.list(null, 10)).extracting(Fleet.InstanceView::instance).containsExactly("web-2");
    }

    @Test
    void keepsTheAverageOfEveryMinuteOfTheLastHourForWatchedTypesOnly() {
        Fleet watched = new Fleet("cpu"::equals);
        long minute = 60_000;
        long start = 1_000 * minute;
        watched.record(new Event(1, new State("web-1", "cpu", 10, start)));
        watched.record(new Event(2, new State("web-1", "cpu", 30, start + 20_000)));
        watched.record(new Event(3, new State("web-1", "cpu", 50, start + 59 * minute)));
        watched.record(new Event(4, new State("web-1", "ram", 70, start + 59 * minute)));

        double[] cpu = watched.lastHour("web-1", start + 59 * minute).get("cpu");
        assertThat(cpu).hasSize(Fleet.SPARKLINE_MINUTES);
        assertThat(cpu[0]).isEqualTo(20.0);
        assertThat(cpu[59]).isEqualTo(50.0);
        assertThat(cpu[30]).isNaN();
        assertThat(watched.lastHour("web-1", start + 59 * minute)).doesNotContainKey("ram");

        // An hour later the first minute's slot holds the new minute; the old average is gone.
        watched.record(new Event(5, new State("web-1", "cpu", 90, start + 60 * minute)));
        double[] later = watched.lastHour("web-1", start + 60 * minute).get("cpu");
        assertThat(later[59]).isEqualTo(90.0);
        assertThat(later[58]).isEqualTo(50.0);
        assertThat(later).doesNotContain(20.0);
    }
}
