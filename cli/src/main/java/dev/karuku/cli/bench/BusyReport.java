package dev.karuku.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/// The busy-CPU part of the benchmark (issue 16): generation on one model while `busyCores` cores are kept busy by
/// another process (`yes`, one pinned to each), for Karuku as it ships (choosing its threads per token), Karuku with
/// `--fixed-threads` (every token on all threads, as before), and node-llama-cpp, run alternately under the same
/// load. The case with no busy core is the idle figure the others are measured against.
///
/// @param model label of the model (`Q4_K_M`)
/// @param cases one per busy-core count, idle (0) first
public record BusyReport(String model, List<Case> cases) {

    public static final String KARUKU = "karuku";
    public static final String KARUKU_FIXED = "karuku --fixed-threads";
    public static final String NODE = "node-llama-cpp";
    /// One thread for every token: a reference row, the best the tuner can settle on when every core is busy.
    public static final String KARUKU_ONE = "karuku --threads 1";

    /// One load: the engines' results under it, and the 1-minute load average as the case ended.
    public record Case(int busyCores, double loadAverageAfter, List<EngineResult> engines) {
        public Case {
            engines = List.copyOf(engines);
        }

        public Optional<EngineResult> engine(String name) {
            return engines.stream().filter(e -> e.engine().equals(name)).findFirst();
        }

        double decode(String name) {
            return engine(name).map(EngineResult::decodeTokensPerSecond).orElse(Double.NaN);
        }
    }

    public BusyReport {
        cases = List.copyOf(cases);
    }

    /// The idle case, when it was run.
    public Optional<Case> idle() {
        return cases.stream().filter(c -> c.busyCores() == 0).findFirst();
    }

    /// Issue 16's targets: under one busy core at least half the idle speed, under two a third (what one thread
    /// showed), at least 1.5× node-llama-cpp under the same load, and no loss on the idle machine.
    public List<TargetCheck> targets() {
        List<TargetCheck> checks = new ArrayList<>();
        double idleKaruku = idle().map(c -> c.decode(KARUKU)).orElse(Double.NaN);
        for (Case c : cases) {
            String label = model + ", " + busy(c.busyCores());
            if (c.busyCores() == 0) {
                checks.add(new TargetCheck(label, "no loss against every token on all threads",
                        c.decode(KARUKU) / c.decode(KARUKU_FIXED), 0.97));
                continue;
            }
            double required = c.busyCores() == 1 ? 0.5 : 0.33;
            checks.add(new TargetCheck(label, String.format(Locale.ROOT, "generation ≥ %.0f%% of idle", required * 100),
                    c.decode(KARUKU) / idleKaruku, required));
            checks.add(new TargetCheck(label, "generation ≥ 1.5× node-llama-cpp under the same load",
                    c.decode(KARUKU) / c.decode(NODE), 1.5));
        }
        return checks;
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%n## Generation under a busy CPU (%s)%n%n", model));
        md.append("Other processes (`yes`, each pinned to one core) keep cores busy while each engine runs; the engines"
                + " alternate under the same load. Karuku chooses its generation threads per token; with"
                + " `--fixed-threads` it uses all of them for every token, as the peers do.\n\n");
        md.append("| load | engine | generation tok/s | of idle | vs Karuku | slowest–fastest run | load average after |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Case c : cases) {
            double karuku = c.decode(KARUKU);
            for (EngineResult e : c.engines()) {
                double idle = idle().map(i -> i.decode(e.engine())).orElse(Double.NaN);
                md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s | %s | %.1f–%.1f | %.2f |%n", busy(c.busyCores()),
                        e.engine(), e.decodeTokensPerSecond(), percent(e.decodeTokensPerSecond(), idle),
                        ratio(karuku, e.decodeTokensPerSecond()), e.slowestDecodeTokensPerSecond(),
                        e.fastestDecodeTokensPerSecond(), c.loadAverageAfter()));
            }
        }
        md.append("\n\"of idle\" divides by the same engine's idle figure; \"vs Karuku\" is Karuku's speed divided by that row's."
                + " The load average counts the engines' own threads and the `yes` processes too: in the idle case a"
                + " figure well above the threads used means other work ran, and the targets then say little.\n\n");
        md.append("| case | target | measured | verdict |\n|---|---|---:|---|\n");
        for (TargetCheck t : targets()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", t.model(), t.target(),
                    t.measuredAtAll() ? String.format(Locale.ROOT, "%.2f×", t.measured()) : "–", t.verdict()));
        }
        return md.toString();
    }

    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode().put("model", model);
        ArrayNode cs = o.putArray("cases");
        for (Case c : cases) {
            ObjectNode co = cs.addObject().put("busyCores", c.busyCores()).put("loadAverageAfter", c.loadAverageAfter());
            ArrayNode es = co.putArray("engines");
            for (EngineResult e : c.engines()) es.add(e.toJson(json));
        }
        ArrayNode ts = o.putArray("targets");
        for (TargetCheck t : targets()) {
            ObjectNode to = ts.addObject().put("case", t.model()).put("target", t.target()).put("required", t.required())
                    .put("verdict", t.verdict());
            if (t.measuredAtAll()) to.put("measured", t.measured());
            else to.putNull("measured");
        }
        return o;
    }

    static String busy(int cores) {
        return cores == 0 ? "idle" : cores == 1 ? "1 core busy" : cores + " cores busy";
    }

    private static String percent(double value, double idle) {
        return Double.isNaN(value) || Double.isNaN(idle) || idle <= 0 ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * value / idle);
    }

    private static String ratio(double karuku, double other) {
        return Double.isNaN(karuku) || Double.isNaN(other) || other <= 0 ? "–" : String.format(Locale.ROOT, "%.2f×", karuku / other);
    }
}
