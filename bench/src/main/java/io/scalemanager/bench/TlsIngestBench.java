package io.scalemanager.bench;

import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.tls.TestPki;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.wiring.AllInOne;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What TLS and scoped tokens cost the all-in-one's ingestion (issue 14, Speed: at most 15%): two all-in-ones in
 * this JVM, each on its own H2 file, one on plain HTTP with the plain {@code api.token}, one on HTTPS (a private
 * CA made here) with a tokens file whose ingest token is bound to {@code vm-*}, so every state is matched against
 * the glob. The same load ({@link LoadGenerator}, as fast as answers come) runs on each in turn, after warm-up
 * rounds that are not counted, in ABBA order, so the machine's load and the JVM's warming fall on both alike; the
 * figures are accepted states per second, and the process's CPU per state.
 *
 * <pre>
 * java -cp 'bench/target/lib/*:bench/target/classes' -Dseconds=20 -Drounds=4 -Dwarmup=2 io.scalemanager.bench.TlsIngestBench
 * </pre>
 */
public final class TlsIngestBench {
    private static final String PLAIN_TOKEN = "bench-plain-admin-token";
    private static final String INGEST_TOKEN = "bench-ingest-token-vm";

    private TlsIngestBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("seconds", 15);
        int rounds = Integer.getInteger("rounds", 2);
        int warmup = Integer.getInteger("warmup", 1);
        Path dir = Files.createTempDirectory("tls-bench");
        TestPki pki = TestPki.create(dir.resolve("pki"), "bench");
        TestPki.Issued cert = pki.server("server");
        Path tokens = Files.writeString(dir.resolve("tokens.yaml"), "tokens:\n"
                + "  - {name: admin, sha256: " + Credentials.sha256Hex(PLAIN_TOKEN) + ", scopes: [admin]}\n"
                + "  - {name: fleet-agents, sha256: " + Credentials.sha256Hex(INGEST_TOKEN)
                + ", scopes: [ingest], instances: \"vm-*\"}\n");
        try (AllInOne plain = start(dir.resolve("plain"), Map.of("SCALEMANAGER_API_TOKEN", PLAIN_TOKEN));
             AllInOne tls = start(dir.resolve("tls"), Map.of(
                     "SCALEMANAGER_API_TOKENS", tokens.toString(),
                     "SCALEMANAGER_TLS_CERT", cert.cert().toString(),
                     "SCALEMANAGER_TLS_KEY", cert.key().toString()))) {
            Side plainSide = new Side("plain HTTP + api.token", "http://" + plain.address(), PLAIN_TOKEN, null);
            Side tlsSide = new Side("HTTPS + ingest token (glob vm-*)", "https://" + tls.address(), INGEST_TOKEN,
                    pki.caFile().toString());
            for (int round = 1; round <= warmup; round++) {
                System.out.printf(Locale.ROOT, "warm-up %d (not counted): %s; %s%n", round, plainSide.load(seconds),
                        tlsSide.load(seconds));
            }
            List<Double> ratios = new ArrayList<>();
            double plainSum = 0;
            double tlsSum = 0;
            for (int round = 1; round <= rounds; round++) {
                // ABBA: odd rounds start with plain, even ones with TLS, so neither always runs on a warmer JVM.
                Phase p;
                Phase t;
                if (round % 2 == 1) {
                    p = plainSide.load(seconds);
                    t = tlsSide.load(seconds);
                } else {
                    t = tlsSide.load(seconds);
                    p = plainSide.load(seconds);
                }
                ratios.add(t.statesPerSecond() / p.statesPerSecond());
                plainSum += p.statesPerSecond();
                tlsSum += t.statesPerSecond();
                System.out.printf(Locale.ROOT, "round %d (%s first): %s; %s; TLS/plain %.3f%n", round,
                        round % 2 == 1 ? "plain" : "TLS", p, t, ratios.get(round - 1));
            }
            List<Double> sorted = ratios.stream().sorted().toList();
            double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
            System.out.printf(Locale.ROOT, "TLS + ingest token / plain: %.3f of the summed rates, median of rounds "
                            + "%.3f, range %.3f-%.3f (%d rounds of %d s per side after %d warm-up rounds, ABBA)%n",
                    tlsSum / plainSum, median, sorted.get(0), sorted.get(sorted.size() - 1), rounds, seconds, warmup);
        }
    }

    /** One server under load: where, with which token, trusting which CA. */
    private record Side(String name, String url, String token, String caFile) {

        /** Runs the load for {@code seconds}, with the whole process's CPU time over the same span. */
        Phase load(int seconds) throws Exception {
            List<String> args = new ArrayList<>(List.of("--url", url, "--duration", seconds + "s",
                    "--instances", "10000", "--batch", "500", "--concurrency", "4", "--token", token,
                    "--metrics-url", "none"));
            if (caFile != null) {
                args.addAll(List.of("--ca-file", caFile));
            }
            LoadGenerator generator = new LoadGenerator(LoadGenerator.Options.parse(args.toArray(String[]::new)));
            long cpuBefore = processCpuNanos();
            LoadGenerator.Result result = generator.measure();
            long cpu = processCpuNanos() - cpuBefore;
            return new Phase(name, result.accepted(), result.seconds(), cpu / 1e9, result.p99Ms());
        }
    }

    /**
     * One side's figures for one round. {@code cpuSeconds} is the whole JVM's (server and load generator, both
     * ends of TLS): its share of the machine's cores says whether the run was bound by CPU.
     */
    private record Phase(String side, long accepted, double seconds, double cpuSeconds, double p99Ms) {
        double statesPerSecond() {
            return accepted / seconds;
        }

        @Override
        public String toString() {
            int cores = Runtime.getRuntime().availableProcessors();
            return String.format(Locale.ROOT, "%s %,.0f states/s (CPU %.0f%% of %d cores, %.1f µs CPU per state, "
                            + "p99 %.0f ms)", side, statesPerSecond(), 100 * cpuSeconds / seconds / cores, cores,
                    accepted == 0 ? Double.NaN : cpuSeconds * 1e6 / accepted, p99Ms);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static AllInOne start(Path dir, Map<String, String> extra) throws Exception {
        Files.createDirectories(dir);
        Path rules = Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
        Map<String, String> env = new HashMap<>(extra);
        env.put("SCALEMANAGER_LISTEN", "127.0.0.1:0");
        env.put("SCALEMANAGER_DATA", dir.resolve("data").toString());
        env.put("SCALEMANAGER_RULES", rules.toString());
        env.put("SCALEMANAGER_CLEANER_ENABLED", "false");
        return AllInOne.start(new ConfigLoader(env).load(Optional.empty(), Map.of()));
    }
}
