package dev.sluice.dashboard;

import dev.sluice.job.Priority;
import dev.sluice.reporting.OverviewSeries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * A chart as a page carries it: uPlot's data (x in epoch seconds, then one array per series,
 * null where there is no value) with its title, series names and unit, as JSON safe to put in a
 * {@code <script type="application/json">} element.
 */
@Component
class Charts {

    private final ObjectMapper json;

    Charts(ObjectMapper json) {
        this.json = json;
    }

    /** One chart; {@code stepped}: drawn as steps (a state over time), not lines. */
    record Chart(String id, String title, String unit, List<String> series, List<List<Object>> data, boolean stepped) {}

    String toJson(Chart chart) {
        // "<" written as \\u003c: nothing in the data can close the script element.
        return json.writeValueAsString(chart).replace("<", "\\u003c");
    }

    /** One series per priority of {@code value} over the overview's buckets. */
    static Chart perPriority(
            String id,
            String title,
            String unit,
            List<OverviewSeries.Point> points,
            Map<String, Function<OverviewSeries.Point, Object>> values) {
        TreeSet<Instant> times = new TreeSet<>();
        points.forEach(p -> times.add(p.at()));
        List<Instant> xs = new ArrayList<>(times);
        Map<Instant, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < xs.size(); i++) {
            index.put(xs.get(i), i);
        }
        List<String> names = new ArrayList<>();
        List<List<Object>> data = new ArrayList<>();
        data.add(xs.stream().map(t -> (Object) t.getEpochSecond()).toList());
        for (Priority priority : Priority.values()) {
            for (var v : values.entrySet()) {
                List<Object> ys = new ArrayList<>(java.util.Collections.nCopies(xs.size(), null));
                boolean any = false;
                for (OverviewSeries.Point p : points) {
                    if (p.priority() == priority) {
                        Object y = v.getValue().apply(p);
                        ys.set(index.get(p.at()), y);
                        any |= y != null;
                    }
                }
                if (any) {
                    names.add(priority.wireName() + (v.getKey().isEmpty() ? "" : " " + v.getKey()));
                    data.add(ys);
                }
            }
        }
        return new Chart(id, title, unit, names, data, false);
    }
}
